using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Microsoft.Extensions.Hosting;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Cluster.Messages;

namespace SoftQDistributed.Learner.Service;

/// <summary>
/// The one cluster-wide pace, published every <c>PaceInterval</c> ms while this process is the learner: the actors
/// together may take <c>min(budget + lost, max(min-replay-size, updates / train-steps-per-env-step) + steps-ahead)</c>
/// env steps (lost: steps the actors reported beyond the replay's inserts), shared among the nodes reporting now
/// (<see cref="ActorReports.Pace"/>). With the learner's own rule (update only while updates ≤ ratio × env steps in the replay) neither side can wait on the other for long: when
/// the learner waits for data, the actors have steps-ahead steps of room less what is still on its way to the
/// shards, and no placement of inserts or samples across shards changes that. Also repeats the newest parameters
/// for nodes that joined late.
/// </summary>
public sealed class PacePublisher(ActorSystem system, ServeConfiguration configuration, LearnerActivation activation, TrainingLoop training,
    ActorReports reports, PolicyPublisher policy) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await activation.WaitAsync(stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(configuration.Serve.PaceInterval));
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                DistributedPubSub.Get(system).Mediator.Tell(new Publish(Topics.Pace, Current()));
                policy.Repeat();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The pace now.</summary>
    public Pace Current()
    {
        TrainingSettings train = configuration.Training;
        long updates = training.Updates;
        long trained = train.TrainStepsPerEnvStep > 0 ? updates / train.TrainStepsPerEnvStep : long.MaxValue / 2;
        // The learner counts env steps as the replay's inserts and is done at the budget. Steps whose transitions never
        // reach the replay (rows a shard acknowledged and lost to a kill -9 before its snapshot, a killed node's unsent
        // buffer, refused batches) are made up past the budget, or the learner would wait for them forever; steps still
        // on their way add at most the send buffers to the run.
        long budget = train.EnvSteps + Math.Max(0, reports.EnvStepsTaken - training.EnvSteps);
        long allowed = Math.Min(budget, Math.Max(train.MinReplaySize, trained) + configuration.Serve.StepsAhead);
        (long taken, Dictionary<string, long> budgets) = reports.Pace(allowed);
        return new Pace
        {
            LearnerInstance = training.Instance, AllowedEnvSteps = allowed, ClusterEnvSteps = taken,
            Budgets = budgets, Updates = updates, PolicyVersion = policy.Version,
        };
    }
}
