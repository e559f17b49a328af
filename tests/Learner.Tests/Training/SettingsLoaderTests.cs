using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Tests.Training;

public sealed class SettingsLoaderTests
{
    [Fact]
    public void Environment_defaults_apply_and_the_command_line_overrides_them()
    {
        (TrainingSettings train, SoftQSettings softQ) = SettingsLoader.Load(["--env", "multigoal", "--batch-size", "32", "--hidden", "64,32"]);
        Assert.Equal(0.1f, softQ.RewardScale);
        Assert.Equal(32, softQ.SvgdParticles);
        Assert.Equal(32, train.BatchSize);
        Assert.Equal(new[] { 64, 32 }, softQ.Hidden);

        (_, SoftQSettings pendulum) = SettingsLoader.Load(["--env=pendulum"]);
        Assert.Equal(10f, pendulum.RewardScale);
    }

    [Theory]
    [InlineData("--env-steps", "many", "--env-steps (Train:EnvSteps) = 'many' is not an integer")]
    [InlineData("--reward-scale", "1,5", "is not a number")]
    [InlineData("--hidden", "128,x", "comma-separated list of integers")]
    [InlineData("--svgd-particles", "2", "SVGD particles (K) must be at least 3")]
    [InlineData("--batch-size", "0", "batch-size must be at least 1")]
    public void Malformed_or_out_of_range_values_are_named(string name, string value, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Load([name, value]));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Unknown_switches_and_missing_values_are_refused()
    {
        Assert.Contains("unknown option '--learning-rat'", Assert.Throws<SettingsException>(() => SettingsLoader.Load(["--learning-rat", "1"])).Message);
        Assert.Contains("Required argument missing for option: '--seed'", Assert.Throws<SettingsException>(() => SettingsLoader.Load(["--seed"])).Message);
    }

    [Fact]
    public void A_true_false_setting_may_stand_alone_as_a_flag()
    {
        Assert.True(SettingsLoader.TrainSettings.Single(s => s.Switch == "--force") is { Key: "Train:Force", IsFlag: true });
        Assert.False(SettingsLoader.Load([]).Training.Force);
        Assert.True(SettingsLoader.Load(["--force"]).Training.Force);
        Assert.True(SettingsLoader.Load(["--force", "--seed", "4"]).Training.Force);
        Assert.True(SettingsLoader.Load(["--force=true"]).Training.Force);
        Assert.False(SettingsLoader.Load(["--force", "false"]).Training.Force);
        Assert.Contains("is not true or false", Assert.Throws<SettingsException>(() => SettingsLoader.Load(["--force", "yes"])).Message);
    }
}

/// <summary>Layering of appsettings.json and environment variables (process-wide, so not run in parallel).</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class SettingsLayeringTests
{
    [Fact]
    public void Command_line_beats_environment_variables_which_beat_appsettings_which_beat_env_defaults()
    {
        using var temp = new TestDirectory();
        string directory = temp.Path;
        File.WriteAllText(Path.Combine(directory, "appsettings.json"),
            """{ "Train": { "EnvSteps": 111, "BatchSize": 16, "Seed": 5 }, "SoftQ": { "RewardScale": 0.5 } }""");
        Environment.SetEnvironmentVariable("SOFTQ__Train__EnvSteps", "222");
        Environment.SetEnvironmentVariable("SOFTQ__Train__BatchSize", "24");
        try
        {
            (TrainingSettings train, SoftQSettings softQ) = SettingsLoader.Load(["--env", "multigoal", "--batch-size", "32"], directory);
            Assert.Equal(32, train.BatchSize);      // command line
            Assert.Equal(222, train.EnvSteps);      // environment variable over appsettings.json
            Assert.Equal(5UL, train.Seed);          // appsettings.json
            Assert.Equal(0.5f, softQ.RewardScale);  // appsettings.json over MultiGoal's 0.1
            Assert.Equal(32, softQ.SvgdParticles);  // MultiGoal's default
        }
        finally
        {
            Environment.SetEnvironmentVariable("SOFTQ__Train__EnvSteps", null);
            Environment.SetEnvironmentVariable("SOFTQ__Train__BatchSize", null);
        }
    }

    [Fact]
    public void Goals_name_a_MultiGoal_variant_that_keeps_MultiGoal_defaults()
    {
        (TrainingSettings train, SoftQSettings softQ) = SettingsLoader.Load(["--env", "multigoal", "--goals", "2,0"]);
        Assert.Equal("multigoal:goals=0,2", train.Env);
        Assert.Empty(train.Goals);
        Assert.Equal(0.1f, softQ.RewardScale);
        Assert.Equal(0.1f, SettingsLoader.Load(["--env", "multigoal:goals=1"]).SoftQ.RewardScale);
        Assert.Equal("multigoal", SettingsLoader.Load([]).Training.Env);
    }

    [Fact]
    public void A_variant_reaches_launch_s_learner_process_by_its_name()
    {
        (TrainingSettings train, SoftQSettings softQ) = SettingsLoader.Load(["--env", "multigoal", "--goals", "0,2"]);
        List<string> learnerArgs = SoftQDistributed.Learner.Cluster.TrainArguments.From(train, softQ, "out");
        Assert.Equal("multigoal:goals=0,2", learnerArgs[learnerArgs.IndexOf("--env") + 1]);
        Assert.Equal(train with { Out = "out" }, SettingsLoader.Load(learnerArgs).Training with { Goals = train.Goals });
    }

    [Theory]
    [InlineData("goals applies to --env multigoal only, not pendulum", "--env", "pendulum", "--goals", "1")]
    [InlineData("goals: goal index 7 is out of range", "--goals", "0,7")]
    [InlineData("--goals (Train:Goals) = '0;1' is not a comma-separated list of integers", "--goals", "0;1")]
    [InlineData("Environment 'multigoal:goals=9': goal index 9 is out of range", "--env", "multigoal:goals=9")]
    public void Bad_goals_are_one_line(string expected, params string[] args)
    {
        Exception error = Assert.ThrowsAny<Exception>(() => SettingsLoader.Load(args)); // SettingsException, or the registry's UnknownEnvironmentException
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Evaluations_run_on_the_training_environment_unless_eval_env_names_a_variant_of_it()
    {
        Assert.Equal("multigoal:goals=2", SettingsLoader.Load(["--env", "multigoal:goals=2"]).Training.EvaluationEnv);
        // TwoRoutes evaluates from its fixed start by default; drawn starts or another spread on request.
        Assert.Equal("tworoutes:start_sigma=0", SettingsLoader.Load(["--env", "tworoutes"]).Training.EvaluationEnv);
        Assert.Equal("tworoutes", SettingsLoader.Load(["--env", "tworoutes", "--eval-env", "tworoutes"]).Training.EvaluationEnv);
        Assert.Equal("tworoutes:start_sigma=0.5", SettingsLoader.Load(["--env", "TwoRoutes", "--eval-env", "TwoRoutes:start_sigma=0.5"]).Training.EvaluationEnv);
    }

    [Theory]
    [InlineData("eval-env must be a variant of env tworoutes, got multigoal", "--env", "tworoutes", "--eval-env", "multigoal")]
    [InlineData("TwoRoutes takes start_sigma=S (a non-negative number), not 'sigma=0'", "--env", "tworoutes", "--eval-env", "tworoutes:sigma=0")]
    public void A_bad_eval_env_is_one_line(string expected, params string[] args)
    {
        Exception error = Assert.ThrowsAny<Exception>(() => SettingsLoader.Load(args)); // SettingsException, or the registry's UnknownEnvironmentException
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("""{ "SoftQ": { "RewardScal": 2 } }""", "unknown setting SoftQ:RewardScal in {file}; did you mean SoftQ:RewardScale?")]
    [InlineData("""{ "Launch": { "Shard": 2 } }""", "unknown setting Launch:Shard in {file}; did you mean Launch:Shards?")]
    [InlineData("""{ "Train": { "EnvSteps": 100, } """, "Failed to load configuration from file '{file}': Could not parse the JSON file")]
    public void A_typo_or_a_syntax_error_in_appsettings_json_is_one_line_naming_the_file(string json, string expected)
    {
        using var temp = new TestDirectory();
        string file = Path.Combine(temp.Path, "appsettings.json");
        File.WriteAllText(file, json);
        string message = Assert.Throws<SettingsException>(() => SettingsLoader.Load([], temp.Path)).Message;
        Assert.StartsWith(expected.Replace("{file}", file, StringComparison.Ordinal), message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Sections_the_learner_does_not_own_are_left_alone_and_an_unknown_environment_variable_is_named()
    {
        using var temp = new TestDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "appsettings.json"), """{ "Logging": { "LogLevel": { "Default": "Warning" } }, "Shard": { "Capacity": 5 } }""");
        Assert.Equal(0.1f, SettingsLoader.Load([], temp.Path).SoftQ.RewardScale);
        Environment.SetEnvironmentVariable("SOFTQ__Serve__PublishIntervall", "3");
        try
        {
            Assert.Equal("unknown setting Serve:PublishIntervall in environment variable SOFTQ__Serve__PublishIntervall; did you mean Serve:PublishInterval?",
                Assert.Throws<SettingsException>(() => SettingsLoader.Load([], temp.Path)).Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SOFTQ__Serve__PublishIntervall", null);
        }
    }
}
