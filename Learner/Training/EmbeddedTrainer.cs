using System.Diagnostics;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Acting;
using SoftQDistributed.Shared.Checkpoints;
using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Numerics.Gemm;
using SoftQDistributed.Shared.Replay;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// Actors, replay and learner in one process. Each iteration every actor steps its environments once (actors
/// in parallel), their transitions enter the replay in actor order, then the learner runs
/// <c>TrainStepsPerEnvStep</c> updates per environment step taken. Working in lockstep keeps a run
/// reproducible from its seed whatever the thread counts; the learner dominates the cost anyway.
/// </summary>
public sealed class EmbeddedTrainer : IDisposable
{
    private readonly TrainingSettings _train;
    private readonly IGemm _gemm;
    private readonly SoftQNetworks _nets;
    private readonly SoftQUpdate _update;
    private readonly ReplayStore _replay;
    private readonly TransitionBatch _batch;
    private readonly Rng _sampleRng;
    private readonly ActorWorker[] _actors;
    private readonly ParallelPartitions _actorThreads;
    private readonly Action<int> _stepActor;
    private readonly List<(float Return, int Length)> _episodes = [];
    private long _episodeCount;
    private int _epoch;
    private long _nextEpochEnd;

    public EmbeddedTrainer(TrainingSettings train, SoftQSettings softQ, IGemm gemm)
    {
        _train = train;
        _gemm = gemm;
        IEnvironment probe = EnvironmentRegistry.Default.Make(train.Env);
        _nets = new SoftQNetworks(probe.ObservationDim, probe.ActionDim, softQ.Hidden, new Rng(train.Seed));
        _update = new SoftQUpdate(_nets, softQ, gemm, new Rng(train.Seed + 1), train.BatchSize, train.Threads);
        _replay = new ReplayStore(probe.ObservationDim, probe.ActionDim, train.ReplayCapacity);
        _batch = new TransitionBatch(train.BatchSize, probe.ObservationDim, probe.ActionDim) { Count = train.BatchSize };
        _sampleRng = new Rng(train.Seed + 2);
        _actors = new ActorWorker[train.ActorThreads];
        for (int i = 0; i < _actors.Length; i++)
        {
            _actors[i] = new ActorWorker(train.Env, train.EnvsPerActor, _nets.Policy.Shape, train.Seed + 1000 + (ulong)i);
            _actors[i].SyncPolicy(_nets.Policy);
        }
        _actorThreads = new ParallelPartitions(train.ActorThreads, "actor");
        _stepActor = i => _actors[i].Step(_gemm);
        _nextEpochEnd = train.EpochLength;
    }

    public SoftQNetworks Networks => _nets;

    public SoftQUpdate Update => _update;

    public long EnvSteps { get; private set; }

    /// <summary>
    /// Trains to the budget, calling <paramref name="onEpoch"/> after each epoch's evaluation. A cancelled
    /// <paramref name="stop"/> ends the run between iterations, where the state is whole and can be checkpointed.
    /// </summary>
    public void Run(Action<EpochMetrics> onEpoch, CancellationToken stop = default)
    {
        int stepsPerIteration = _actors.Length * _train.EnvsPerActor;
        var sampleClock = new Stopwatch();
        var trainClock = new Stopwatch();
        var evalClock = new Stopwatch();
        var epochStats = new UpdateStatistics();
        long epochStartUpdates = _update.Updates;
        double epochStartTrainSeconds = 0;

        while (EnvSteps < _train.EnvSteps && !stop.IsCancellationRequested)
        {
            sampleClock.Start();
            _actorThreads.Run(_stepActor);
            foreach (ActorWorker actor in _actors)
            {
                _replay.AddBatch(actor.Transitions);
                actor.TakeFinished(_episodes);
            }
            sampleClock.Stop();
            EnvSteps += stepsPerIteration;

            if (_replay.Count >= _train.MinReplaySize)
            {
                trainClock.Start();
                for (int i = 0; i < stepsPerIteration * _train.TrainStepsPerEnvStep; i++)
                {
                    _replay.SampleUniform(_sampleRng, _batch);
                    epochStats.Add(_update.Update(_batch));
                    if (_update.Updates % _train.PolicySyncInterval == 0)
                        foreach (ActorWorker actor in _actors) actor.SyncPolicy(_nets.Policy);
                }
                trainClock.Stop();
            }

            while (EnvSteps >= _nextEpochEnd || EnvSteps >= _train.EnvSteps)
            {
                evalClock.Start();
                EvaluationResult eval = Evaluator.Run(_train.Env, _nets.Policy, _gemm, _train.EvalEpisodesPerEpoch, _train.Seed + 10_000 + (ulong)_epoch);
                evalClock.Stop();
                _episodeCount += _episodes.Count;
                double trainSeconds = trainClock.Elapsed.TotalSeconds;
                long epochUpdates = _update.Updates - epochStartUpdates;
                onEpoch(new EpochMetrics(
                    _epoch, EnvSteps, _update.Updates, _episodeCount,
                    eval.MeanReturn, eval.MinReturn, eval.MaxReturn, eval.StdReturn, eval.MeanLength,
                    epochStats.QMean, epochStats.QStd, epochStats.BellmanError, epochStats.QLoss, epochStats.Surrogate,
                    _replay.Count, _update.Updates * _train.BatchSize, trainSeconds, sampleClock.Elapsed.TotalSeconds,
                    evalClock.Elapsed.TotalSeconds,
                    trainSeconds > epochStartTrainSeconds ? epochUpdates / (trainSeconds - epochStartTrainSeconds) : 0,
                    _update.SkippedUpdates));
                _episodes.Clear();
                epochStats = new UpdateStatistics();
                epochStartUpdates = _update.Updates;
                epochStartTrainSeconds = trainSeconds;
                _epoch++;
                _nextEpochEnd += _train.EpochLength;
                if (EnvSteps >= _train.EnvSteps) return;
            }
        }
    }

    /// <summary>The learner's float state under its checkpoint names; one list serves both save and restore.</summary>
    private (string Name, float[] Values)[] LearnerTensors() =>
    [
        ("q", _nets.Q.Parameters),
        ("target_q", _nets.TargetQ.Parameters),
        ("policy", _nets.Policy.Parameters),
        ("adam_q_m", _update.QOptimizer.FirstMoment),
        ("adam_q_v", _update.QOptimizer.SecondMoment),
        ("adam_policy_m", _update.PolicyOptimizer.FirstMoment),
        ("adam_policy_v", _update.PolicyOptimizer.SecondMoment),
    ];

    /// <summary>Everything that decides how training continues, for an exact resume.</summary>
    public void WriteState(SafetensorsWriter writer)
    {
        foreach ((string name, float[] values) in LearnerTensors()) writer.Add(name, values);
        writer.Add("counters", [_update.QOptimizer.Step, _update.PolicyOptimizer.Step, _update.Updates, _update.SkippedUpdates,
            EnvSteps, _episodeCount, _epoch, _nextEpochEnd]);
        writer.Add("rng_update", RngWords.From(_update.RandomState));
        writer.Add("rng_sample", RngWords.From(_sampleRng.State));
        int rows = _replay.Count;
        writer.Add("replay_observations", _replay.ObservationStorage[..(rows * _replay.ObsDim)]);
        writer.Add("replay_actions", _replay.ActionStorage[..(rows * _replay.ActDim)]);
        writer.Add("replay_rewards", _replay.RewardStorage[..rows]);
        writer.Add("replay_next_observations", _replay.NextObservationStorage[..(rows * _replay.ObsDim)]);
        writer.Add("replay_terminals", _replay.TerminalStorage[..rows]);
        writer.Add("replay_total_added", [_replay.TotalAdded]);
        for (int i = 0; i < _actors.Length; i++) _actors[i].WriteState(writer, $"actor{i}_");
    }

    /// <summary>Restores a state written by <see cref="WriteState"/> for the same settings.</summary>
    public void ReadState(SafetensorsFile file)
    {
        foreach ((string name, float[] values) in LearnerTensors()) file.ReadFloat32(name, values);
        long[] counters = new long[8];
        file.ReadInt64("counters", counters);
        (_update.QOptimizer.Step, _update.PolicyOptimizer.Step, _update.Updates, _update.SkippedUpdates) = (counters[0], counters[1], counters[2], counters[3]);
        (EnvSteps, _episodeCount, _epoch, _nextEpochEnd) = (counters[4], counters[5], (int)counters[6], counters[7]);
        _update.RandomState = RngWords.Read(file, "rng_update");
        _sampleRng.State = RngWords.Read(file, "rng_sample");
        long totalAdded = file.ReadInt64("replay_total_added")[0];
        _replay.RestoreSlots(0, file.ReadFloat32("replay_observations"), file.ReadFloat32("replay_actions"), file.ReadFloat32("replay_rewards"),
            file.ReadFloat32("replay_next_observations"), file.ReadFloat32("replay_terminals"));
        _replay.RestorePosition(totalAdded);
        for (int i = 0; i < _actors.Length; i++) _actors[i].ReadState(file, $"actor{i}_");
    }

    public void Dispose()
    {
        _update.Dispose();
        _actorThreads.Dispose();
    }

    /// <summary>Averages of the update statistics over an epoch.</summary>
    private sealed class UpdateStatistics
    {
        private int _count;
        private double _qMean, _qStd, _bellman, _loss, _surrogate;

        public void Add(UpdateResult result)
        {
            if (result.Skipped) return;
            _count++;
            _qMean += result.QMean;
            _qStd += result.QStd;
            _bellman += result.MeanSquaredBellmanError;
            _loss += result.QLoss;
            _surrogate += result.PolicySurrogate;
        }

        public double QMean => Average(_qMean);
        public double QStd => Average(_qStd);
        public double BellmanError => Average(_bellman);
        public double QLoss => Average(_loss);
        public double Surrogate => Average(_surrogate);

        private double Average(double sum) => _count == 0 ? double.NaN : sum / _count;
    }
}
