using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner;

/// <summary>
/// The matrix products one update makes, in order, found by running one update on random data with a GEMM that
/// records each call: what <c>auto</c> measures the GEMMs on, so its choice is for this run's own shapes.
/// </summary>
public static class UpdateGemmShapes
{
    public static IReadOnlyList<GemmShape> Record(int obsDim, int actDim, SoftQSettings settings, int batchSize, int threads)
    {
        var recorder = new Recorder();
        var rng = new Rng(1);
        var nets = new SoftQNetworks(obsDim, actDim, settings.Hidden, rng);
        var batch = new TransitionBatch(batchSize, obsDim, actDim) { Count = batchSize };
        rng.FillGaussian(batch.Observations);
        rng.FillGaussian(batch.NextObservations);
        rng.FillUniform(batch.Actions, -1f, 1f);
        using (var update = new SoftQUpdate(nets, settings, recorder, rng, batchSize, threads)) update.Update(batch);
        return recorder.Shapes;
    }

    /// <summary>
    /// Creates the GEMM for an update of this shape (<see cref="UpdateBackend"/>): <c>auto</c> measures on the update's
    /// own products; under torch the update makes none, and the GEMM that remains (actors, evaluations) is not measured.
    /// </summary>
    public static IGemm CreateGemm(string backend, int obsDim, int actDim, SoftQSettings settings, int batchSize, int threads, Action<string>? log)
    {
        GemmBackend parsed = UpdateBackend.Gemm(backend);
        bool measure = parsed == GemmBackend.Auto && !UpdateBackend.IsTorch(backend);
        return GemmFactory.Create(parsed, 1, log, measure ? Record(obsDim, actDim, settings, batchSize, threads) : null);
    }

    private sealed unsafe class Recorder : IGemm
    {
        private readonly ManagedGemm _inner = new(1);
        private readonly List<GemmShape> _shapes = [];

        public IReadOnlyList<GemmShape> Shapes { get { lock (_shapes) return [.. _shapes]; } }

        public string Name => "recorder";

        public int Threads => 1;

        public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
        {
            lock (_shapes) _shapes.Add(new GemmShape(transposeA, transposeB, m, n, k));
            _inner.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }
}
