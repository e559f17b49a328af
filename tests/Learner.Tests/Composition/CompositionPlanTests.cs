using SoftQDistributed.Learner.Composition;
using SoftQDistributed.Learner.Settings;
using SoftQDistributed.Shared.Numerics.Networks;

namespace SoftQDistributed.Tests.Composition;

/// <summary>Which runs compose (one environment shape, one network shape, one environment) and what the composition is evaluated in.</summary>
public sealed class CompositionPlanTests
{
    [Fact]
    public void MultiGoal_variants_are_evaluated_with_the_union_of_their_goals_and_aim_at_the_common_ones()
    {
        CompositionPlan plan = CompositionPlan.For([Run("a", "multigoal:goals=0,2"), Run("b", "multigoal:goals=2,1")]);
        Assert.Equal("multigoal:goals=0,1,2", plan.EvaluationEnv);
        Assert.Equal([2], plan.CommonGoals);
        Assert.Equal(20, plan.StateCount);

        CompositionPlan three = CompositionPlan.For([Run("a", "multigoal:goals=0,2"), Run("b", "multigoal:goals=1,2,3"), Run("c", "multigoal")]);
        Assert.Equal("multigoal", three.EvaluationEnv);
        Assert.Equal([2], three.CommonGoals);
    }

    [Fact]
    public void Runs_of_one_environment_without_goals_are_evaluated_in_it()
    {
        CompositionPlan plan = CompositionPlan.For([Run("a", "pendulum", obs: 3, act: 1), Run("b", "pendulum", obs: 3, act: 1)]);
        Assert.Equal("pendulum", plan.EvaluationEnv);
        Assert.Null(plan.CommonGoals);
    }

    [Theory]
    [InlineData("runs/b has observations of size 3 and actions of size 1, runs/a 2 and 2: compose needs one environment shape", "pendulum", 3, 1, 16)]
    [InlineData("runs/b's networks have hidden layers 8x8, runs/a's 16x16: compose needs one network shape", "multigoal", 2, 2, 8)]
    [InlineData("runs/b trains hopper, runs/a multigoal: compose needs one environment", "hopper", 2, 2, 16)]
    public void Runs_that_do_not_fit_together_are_one_line(string expected, string env, int obs, int act, int width)
    {
        var error = Assert.Throws<SettingsException>(() => CompositionPlan.For([Run("runs/a", "multigoal"), Run("runs/b", env, obs, act, width)]));
        Assert.StartsWith(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void One_run_is_not_a_composition() =>
        Assert.Contains("at least two runs", Assert.Throws<SettingsException>(() => CompositionPlan.For([Run("a", "multigoal")])).Message);

    /// <summary>A run as compose sees it after loading: settings, a Q network of the run's shape, 10 replay states.</summary>
    private static SourceRun Run(string directory, string env, int obs = 2, int act = 2, int width = 16) =>
        new(directory, new TrainingSettings { Env = env }, new SoftQSettings { Hidden = [width, width] },
            new Mlp(new MlpShape(obs, act, [width, width], 1, TanhOutput: false)), new float[10 * obs]);
}
