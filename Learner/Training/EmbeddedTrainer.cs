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
    private readonly LearnerState _learner;
    private readonly SoftQNetworks _nets;
    private readonly SoftQUpdate _update;
    private readonly ReplayStore _replay;
    private readonly TransitionBatch _batch;
    private readonly Rng _sampleRng;
    private readonly ActorWorker[] _actors;
    private readonly ParallelPartitions _actorThreads;
    private readonly Action<int> _stepActor;
    private readonly List<(float Return, int Length)> _finished = [];
    private readonly RunClock _wallClock = new(), _sampleClock = new(), _trainClock = new(), _evalClock = new();
    private long _episodeCount;
    private int _epoch;
    private long _nextEpochEnd;

    // The epoch in progress: a stop mid-epoch checkpoints these too, so that the resumed run finishes the epoch
    // with the same statistics as a straight run.
    private UpdateStatistics _epochStats = new();
    private long _epochStartUpdates;
    private double _epochStartTrainSeconds;

    /// <param name="gemm">The actors' and evaluations' GEMM, and the update's on our backend.</param>
    /// <param name="plugin">The update's gradients where given (the torch backend, <see cref="UpdateBackend.Plugin"/>); otherwise ours.</param>
    public EmbeddedTrainer(TrainingSettings train, SoftQSettings softQ, IGemm gemm, IUpdateGradientsFactory? plugin = null)
    {
        _train = train;
        _gemm = gemm;
        IEnvironment probe = EnvironmentRegistry.Default.Make(train.Env);
        _learner = new LearnerState(probe.ObservationDim, probe.ActionDim, softQ, gemm, train.Seed, train.BatchSize, train.Threads, plugin);
        _nets = _learner.Networks;
        _update = _learner.Update;
        _replay = new ReplayStore(probe.ObservationDim, probe.ActionDim, train.ReplayCapacity);
        _batch = new TransitionBatch(train.BatchSize, probe.ObservationDim, probe.ActionDim) { Count = train.BatchSize };
        _sampleRng = new Rng(train.Seed + 2);
        _actors = new ActorWorker[train.ActorThreads];
        for (int i = 0; i < _actors.Length; i++)
        {
            _actors[i] = new ActorWorker(train.Env, train.EnvsPerActor, _nets.Policy.Shape, train.Seed + 1000 + (ulong)i, softQ.DeterministicPolicyNoise);
            _actors[i].SyncPolicy(_nets.Policy);
        }
        _actorThreads = new ParallelPartitions(train.ActorThreads, "actor");
        _stepActor = i => _actors[i].Step(_gemm);
        _nextEpochEnd = train.EpochLength;
        _wallClock.Start();
    }

    /// <summary>Starts a new run's networks from a pretrained run; the actors act with its sampler from the first step.</summary>
    public void StartFrom(PretrainedStart start)
    {
        start.LoadInto(_nets);
        foreach (ActorWorker actor in _actors) actor.SyncPolicy(_nets.Policy);
    }

    /// <summary>Networks, update step, optimiser states: what the learner service holds too.</summary>
    public LearnerState Learner => _learner;

    public SoftQNetworks Networks => _nets;

    /// <summary>The GEMM of the actors' and evaluations' forward passes, and of the update on our backend.</summary>
    public IGemm Gemm => _gemm;

    public SoftQUpdate Update => _update;

    public long EnvSteps { get; private set; }

    /// <summary>The update statistics of the epoch in progress.</summary>
    public UpdateStatistics EpochStatistics => _epochStats;

    /// <summary>Seconds since this run started, over every process that trained it (a resume continues the count).</summary>
    public double WallSeconds => _wallClock.Seconds;

    /// <summary>Seconds spent in updates, over every process that trained the run.</summary>
    public double TrainSeconds => _trainClock.Seconds;

    /// <summary>Whether this run continues from a checkpoint (<see cref="ReadState"/>).</summary>
    public bool Resumed { get; private set; }

    /// <summary>
    /// Trains to the budget, calling <paramref name="onEpoch"/> after each epoch's evaluation and
    /// <paramref name="onIteration"/> after every iteration. A cancelled <paramref name="stop"/> ends the run between
    /// iterations, where the state is whole and can be checkpointed: a straight run passes through the same state.
    /// </summary>
    public void Run(Action<EpochMetrics> onEpoch, CancellationToken stop = default, Action? onIteration = null)
    {
        int stepsPerIteration = _actors.Length * _train.EnvsPerActor;
        while (EnvSteps < _train.EnvSteps && !stop.IsCancellationRequested)
        {
            _sampleClock.Start();
            _actorThreads.Run(_stepActor);
            foreach (ActorWorker actor in _actors)
            {
                _replay.AddBatch(actor.Transitions);
                actor.TakeFinished(_finished);
            }
            _episodeCount += _finished.Count;
            _finished.Clear();
            _sampleClock.Stop();
            EnvSteps += stepsPerIteration;

            if (_replay.Count >= _train.MinReplaySize)
            {
                _trainClock.Start();
                for (int i = 0; i < stepsPerIteration * _train.TrainStepsPerEnvStep; i++)
                {
                    _replay.SampleUniform(_sampleRng, _batch);
                    _epochStats.Add(_update.Update(_batch));
                    if (_update.Updates % _train.PolicySyncInterval == 0)
                        foreach (ActorWorker actor in _actors) actor.SyncPolicy(_nets.Policy);
                }
                _trainClock.Stop();
            }

            while (EnvSteps >= _nextEpochEnd || EnvSteps >= _train.EnvSteps)
            {
                EndEpoch(onEpoch);
                if (EnvSteps >= _train.EnvSteps) break;
            }
            onIteration?.Invoke();
        }
    }

    private void EndEpoch(Action<EpochMetrics> onEpoch)
    {
        _evalClock.Start();
        EvaluationResult eval = Evaluator.Epoch(_train, _nets.Policy, _gemm, _epoch, _update.Settings.DeterministicPolicy);
        _evalClock.Stop();
        double trainSeconds = _trainClock.Seconds, epochTrainSeconds = trainSeconds - _epochStartTrainSeconds;
        onEpoch(EpochMetrics.From(_epoch, EnvSteps, _update, _episodeCount, eval, _epochStats, _replay.Count, _train.BatchSize,
            trainSeconds, _sampleClock.Seconds, _evalClock.Seconds,
            epochTrainSeconds > 0 ? (_update.Updates - _epochStartUpdates) / epochTrainSeconds : 0));
        _epochStats = new UpdateStatistics();
        _epochStartUpdates = _update.Updates;
        _epochStartTrainSeconds = trainSeconds;
        _epoch++;
        _nextEpochEnd += _train.EpochLength;
    }

    /// <summary>Everything that decides how training continues, for an exact resume.</summary>
    public void WriteState(SafetensorsWriter writer)
    {
        _learner.Write(writer, [EnvSteps, _episodeCount, _epoch, _nextEpochEnd]);
        writer.Add("rng_sample", RngWords.From(_sampleRng.State));
        int rows = _replay.Count;
        writer.Add("replay_observations", _replay.ObservationStorage[..(rows * _replay.ObsDim)]);
        writer.Add("replay_actions", _replay.ActionStorage[..(rows * _replay.ActDim)]);
        writer.Add("replay_rewards", _replay.RewardStorage[..rows]);
        writer.Add("replay_next_observations", _replay.NextObservationStorage[..(rows * _replay.ObsDim)]);
        writer.Add("replay_terminals", _replay.TerminalStorage[..rows]);
        writer.Add("replay_total_added", [_replay.TotalAdded]);
        for (int i = 0; i < _actors.Length; i++) _actors[i].WriteState(writer, $"actor{i}_");
        writer.Add("epoch_statistics", _epochStats.ToArray());
        writer.Add("epoch_start_updates", [_epochStartUpdates]);
        writer.Add("run_seconds", [_wallClock.Seconds, _sampleClock.Seconds, _trainClock.Seconds, _evalClock.Seconds, _epochStartTrainSeconds]);
    }

    /// <summary>Restores a state written by <see cref="WriteState"/> for the same settings.</summary>
    public void ReadState(SafetensorsFile file)
    {
        long[] counters = _learner.Read(file, 4);
        (EnvSteps, _episodeCount, _epoch, _nextEpochEnd) = (counters[0], counters[1], (int)counters[2], counters[3]);
        _sampleRng.State = RngWords.Read(file, "rng_sample");
        long totalAdded = file.ReadInt64("replay_total_added")[0];
        _replay.RestoreSlots(0, file.ReadFloat32("replay_observations"), file.ReadFloat32("replay_actions"), file.ReadFloat32("replay_rewards"),
            file.ReadFloat32("replay_next_observations"), file.ReadFloat32("replay_terminals"));
        _replay.RestorePosition(totalAdded);
        for (int i = 0; i < _actors.Length; i++) _actors[i].ReadState(file, $"actor{i}_");
        ReadRunProgress(file);
        Resumed = true;
    }

    /// <summary>
    /// The epoch in progress and the run's clocks. Checkpoints written before these were kept hold neither: their
    /// epoch restarts its statistics and their clocks start from zero, as resumes did then.
    /// </summary>
    private void ReadRunProgress(SafetensorsFile file)
    {
        _epochStats = file.Contains("epoch_statistics") ? UpdateStatistics.From(file.ReadFloat64("epoch_statistics")) : new UpdateStatistics();
        _epochStartUpdates = file.Contains("epoch_start_updates") ? file.ReadInt64("epoch_start_updates")[0] : _update.Updates;
        if (!file.Contains("run_seconds")) return;
        double[] seconds = file.ReadFloat64("run_seconds");
        (_wallClock.EarlierSeconds, _sampleClock.EarlierSeconds, _trainClock.EarlierSeconds, _evalClock.EarlierSeconds, _epochStartTrainSeconds) =
            (seconds[0], seconds[1], seconds[2], seconds[3], seconds[4]);
    }

    public void Dispose()
    {
        _learner.Dispose();
        _actorThreads.Dispose();
    }
}
