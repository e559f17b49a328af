using System.Numerics.Tensors;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner;

/// <summary>
/// Our own backend: the batch's states split across <c>threads</c> partitions that run in parallel with one-thread
/// GEMMs (managed or OpenBLAS), their gradients summed into the first partition's buffers. Allocates nothing per step.
/// </summary>
public sealed class ManagedGradients : IUpdateGradients
{
    private readonly UpdatePartition[] _partitions;
    private readonly ParallelPartitions _parallel;
    private readonly Action<int> _runPartition;
    private TransitionBatch? _batch;
    private UpdateRandomness? _randomness;

    /// <param name="blockRows">rows of a particle block (<see cref="UpdatePartition.BlockRows"/>); tests make it small.</param>
    public ManagedGradients(SoftQNetworks nets, SoftQSettings settings, IGemm gemm, int maxBatchSize, int threads = 1,
        int blockRows = UpdatePartition.BlockRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int partitions = Math.Min(threads, maxBatchSize);
        int statesPerPartition = (maxBatchSize + partitions - 1) / partitions;
        _partitions = new UpdatePartition[partitions];
        for (int i = 0; i < partitions; i++) _partitions[i] = new UpdatePartition(nets, settings, gemm, statesPerPartition, blockRows);
        _parallel = new ParallelPartitions(partitions, "softq-update");
        _runPartition = RunPartition;
        Name = gemm.Name;
    }

    public string Name { get; }

    public float[] QGradient => _partitions[0].QGradient;

    public float[] PolicyGradient => _partitions[0].PolicyGradient;

    public GradientSums Compute(TransitionBatch batch, UpdateRandomness randomness)
    {
        (_batch, _randomness) = (batch, randomness);
        _parallel.Run(_runPartition);
        (_batch, _randomness) = (null, null);

        double squaredError = 0, qSum = 0, qSquared = 0, surrogate = 0;
        for (int i = 0; i < _partitions.Length; i++)
        {
            UpdatePartition p = _partitions[i];
            if (i > 0)
            {
                TensorPrimitives.Add(QGradient, p.QGradient, QGradient);
                TensorPrimitives.Add(PolicyGradient, p.PolicyGradient, PolicyGradient);
            }
            squaredError += p.SquaredErrorSum;
            qSum += p.QSum;
            qSquared += p.QSquaredSum;
            surrogate += p.SurrogateSum;
        }
        return new GradientSums(squaredError, qSum, qSquared, surrogate);
    }

    private void RunPartition(int index)
    {
        TransitionBatch batch = _batch!;
        int n = batch.Count, parts = _partitions.Length;
        int first = (int)((long)n * index / parts), end = (int)((long)n * (index + 1) / parts);
        _partitions[index].Run(batch, first, end - first, _randomness!);
    }

    public void Dispose() => _parallel.Dispose();
}
