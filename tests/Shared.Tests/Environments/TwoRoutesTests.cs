using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Tests.Environments;

public sealed class TwoRoutesTests
{
    private static TwoRoutes PlacedAt(float x, float y) => StatePlacement.At<TwoRoutes>(x, y);

    [Fact]
    public void The_distance_goes_round_the_wall_and_is_the_same_above_and_below()
    {
        // From the start straight in front of the wall: to a corner (-1, ±3), along the wall, then to the goal.
        double expected = Math.Sqrt(16 + 9) + 2 + Math.Sqrt(16 + 9);
        Assert.Equal(expected, TwoRoutes.DistanceToGoal(-5, 0), 9);
        Assert.Equal(TwoRoutes.DistanceToGoal(-3, 1.5), TwoRoutes.DistanceToGoal(-3, -1.5), 12);
        // With the wall out of the way it is the straight line.
        Assert.Equal(Math.Sqrt(4 + 25), TwoRoutes.DistanceToGoal(3, 5), 9);
        Assert.Equal(0, TwoRoutes.DistanceToGoal(TwoRoutes.GoalX, 0), 12);
        // Above the wall's left end: along the top edge to (1, 3), then down to the goal.
        Assert.Equal(2 + Math.Sqrt(16 + 9), TwoRoutes.DistanceToGoal(-1, 3), 9);
    }

    [Fact]
    public void A_move_through_the_wall_is_refused_and_still_pays_its_costs()
    {
        TwoRoutes env = PlacedAt(-1.5f, 0f);
        var next = new float[2];

        StepResult result = env.Step([1f, 0.5f], next);

        // (-0.5, 0.5) is inside the wall: the mass stays at (-1.5, 0).
        Assert.Equal([-1.5f, 0f], next);
        Assert.Equal(-(30 * 1.25 + 5 * TwoRoutes.DistanceToGoal(-1.5, 0)), result.Reward, 4);
        Assert.False(result.Terminated);
    }

    [Fact]
    public void A_move_that_cuts_the_wall_corner_is_refused_and_one_along_its_edge_is_not()
    {
        Assert.True(TwoRoutes.CrossesWall(-1.5, 2.5, -0.5, 3.2));
        Assert.False(TwoRoutes.CrossesWall(-1.5, 2.5, -0.5, 3.5)); // touches the corner only
        Assert.False(TwoRoutes.CrossesWall(-1, 3, 1, 3));
        Assert.False(TwoRoutes.CrossesWall(-1.5, 3.2, 0.5, 3.2));
        Assert.True(TwoRoutes.CrossesWall(-2, 0, 2, 0));
    }

    [Fact]
    public void Reaching_the_goal_adds_the_goal_reward_and_terminates()
    {
        TwoRoutes env = PlacedAt(4f, 0.5f);
        var next = new float[2];

        StepResult result = env.Step([0.5f, -0.5f], next);

        Assert.Equal([4.5f, 0f], next);
        Assert.Equal(-(30 * 0.5 + 5 * 0.5) + 10, result.Reward, 4);
        Assert.True(result.Terminated);
    }

    [Theory]
    [InlineData(-3f, 0f, -1)]
    [InlineData(0f, 4f, TwoRoutes.Upper)]
    [InlineData(0.9f, -5f, TwoRoutes.Lower)]
    [InlineData(2f, 5f, -1)]
    public void The_route_is_the_side_of_the_wall_a_position_level_with_it_is_on(float x, float y, int route) =>
        Assert.Equal(route, TwoRoutes.RouteAt(x, y));

    [Fact]
    public void A_saved_state_resumes_the_same_episode_and_starts()
    {
        var env = new TwoRoutes();
        var obs = new float[2];
        env.Reset(7, obs);
        env.Step([0.3f, 0.8f], obs);
        var state = new long[env.StateLength];
        env.SaveState(state);
        float[] a = new float[2], b = new float[2];
        env.Step([0.5f, 0.5f], a);
        env.Reset(a);

        var copy = new TwoRoutes();
        copy.RestoreState(state);
        copy.Step([0.5f, 0.5f], b);
        copy.Reset(b);

        Assert.Equal(a, b);
        Assert.InRange(a[0], TwoRoutes.StartX - 0.5f, TwoRoutes.StartX + 0.5f);
    }

    [Fact]
    public void Start_sigma_sets_the_start_noise_and_zero_starts_every_episode_at_the_same_point()
    {
        var fixedStart = (TwoRoutes)EnvironmentRegistry.Default.Get("tworoutes:start_sigma=0").CreateRaw();
        var wide = (TwoRoutes)EnvironmentRegistry.Default.Get("tworoutes:start_sigma=0.5").CreateRaw();
        var obs = new float[2];
        var ys = new List<float>();
        fixedStart.Reset(3, obs);
        wide.Reset(3, obs);
        for (int episode = 0; episode < 200; episode++)
        {
            fixedStart.Reset(obs);
            Assert.Equal([TwoRoutes.StartX, 0f], obs);
            wide.Reset(obs);
            ys.Add(obs[1]);
        }
        Assert.Equal(TwoRoutes.InitialSigma, new TwoRoutes().StartSigma);
        double std = Math.Sqrt(ys.Select(y => (double)y * y).Average());
        Assert.InRange(std, 0.4, 0.6); // 200 draws of N(0, 0.5²)
    }

    [Theory]
    [InlineData("tworoutes:start_sigma=-1", "not 'start_sigma=-1'")]
    [InlineData("tworoutes:start=0", "not 'start=0'")]
    public void TwoRoutes_takes_only_a_non_negative_start_sigma(string name, string expected)
    {
        var refused = Assert.Throws<UnknownEnvironmentException>(() => EnvironmentRegistry.Default.Get(name));
        Assert.Contains("TwoRoutes takes start_sigma=S (a non-negative number)", refused.Message);
        Assert.Contains(expected, refused.Message);
    }
}
