using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Tests.Training;

public sealed class LocomotionDefaultsTests
{
    [Theory]
    [InlineData("swimmer", 30f)]
    [InlineData("hopper", 30f)]
    [InlineData("halfcheetah", 30f)]
    [InlineData("walker2d", 10f)]
    [InlineData("ant", 300f)]
    [InlineData("humanoid", 100f)]
    public void Each_task_gets_the_reference_settings_with_its_own_reward_scale(string env, float rewardScale)
    {
        (TrainingSettings train, SoftQSettings softQ) = SettingsLoader.Load(["--env", env]);
        Assert.Equal(rewardScale, softQ.RewardScale);
        Assert.Equal([128, 128], softQ.Hidden);
        Assert.Equal((16, 16), (softQ.SvgdParticles, softQ.ValueParticles));
        Assert.Equal(128, train.BatchSize);
        Assert.Equal(1000, softQ.TargetUpdateInterval);
    }

    [Fact]
    public void The_command_line_overrides_a_task_default()
    {
        (TrainingSettings train, SoftQSettings softQ) = SettingsLoader.Load(["--env", "ant", "--reward-scale", "5", "--batch-size", "64"]);
        Assert.Equal(5f, softQ.RewardScale);
        Assert.Equal(64, train.BatchSize);
    }
}
