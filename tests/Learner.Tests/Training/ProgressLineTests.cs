using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Numerics.Gemm;

namespace SoftQDistributed.Tests.Training;

public sealed class ProgressLineTests
{
    [Theory]
    [InlineData("multigoal", 100)]
    [InlineData("pendulum", 1000)] // epochs longer than the interval between lines
    public void A_line_every_twentieth_of_the_budget_and_no_NaN_before_there_is_a_value(string env, int epochLength)
    {
        var train = new TrainingSettings
        {
            Env = env, Seed = 4, EnvSteps = 400, EpochLength = epochLength, BatchSize = 16, MinReplaySize = 50,
            EvalEpisodesPerEpoch = 1, ActorThreads = 1, EnvsPerActor = 2, Threads = 1,
        };
        var agent = new SoftQSettings { Hidden = [16, 16], SvgdParticles = 4, ValueParticles = 4 };
        using var trainer = new EmbeddedTrainer(train, agent, new ManagedGemm());
        var progress = new ProgressLine(trainer, train.EnvSteps);
        var lines = new List<string>();
        trainer.Run(progress.Epoch, onIteration: () =>
        {
            if (progress.Next() is { } line) lines.Add(line);
        });

        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"steps {20 * i}/400"), lines.Select(l => l.Split(" | ")[0]));
        Assert.All(lines, line => Assert.DoesNotContain("NaN", line));
        Assert.Matches(@"^steps 20/400 \| \d+ s$", lines[0]); // before the first update and the first evaluation
        Assert.Contains("updates/s", lines[3]);
        Assert.Contains("Q loss", lines[3]);
        Assert.Contains("return", lines[^1]);
    }
}
