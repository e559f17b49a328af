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
    private readonly LearnerState _learner;
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
    }

    /// <summary>Networks, update step, optimiser states: what the learner service holds too.</summary>
    public LearnerState Learner => _learner;

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
                EvaluationResult eval = Evaluator.Epoch(_train, _nets.Policy, _gemm, _epoch, _update.Settings.DeterministicPolicy);
                evalClock.Stop();
                _episodeCount += _episodes.Count;
                double trainSeconds = trainClock.Elapsed.TotalSeconds;
                long epochUpdates = _update.Updates - epochStartUpdates;
                onEpoch(EpochMetrics.From(_epoch, EnvSteps, _update, _episodeCount, eval, epochStats, _replay.Count, _train.BatchSize,
                    trainSeconds, sampleClock.Elapsed.TotalSeconds, evalClock.Elapsed.TotalSeconds,
                    trainSeconds > epochStartTrainSeconds ? epochUpdates / (trainSeconds - epochStartTrainSeconds) : 0));
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
    }

    public void Dispose()
    {
        _learner.Dispose();
        _actorThreads.Dispose();
    }
}
