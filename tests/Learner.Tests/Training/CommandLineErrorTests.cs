namespace SoftQDistributed.Tests.Training;

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>The learner's entry point on bad input: one clear line on standard error, exit code 2, no stack trace.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CommandLineErrorTests
{
    [Theory]
    [InlineData("unknown environment 'cartpole'", "train", "--env", "cartpole")]
    [InlineData("--env-steps (Train:EnvSteps) = 'lots' is not an integer", "train", "--env-steps", "lots")]
    [InlineData("unknown option '--colour'", "train", "--colour", "red")]
    [InlineData("unknown option '--env-step' for testhost train; did you mean --env-steps?", "train", "--env-step", "5")]
    [InlineData("checkpoint not found", "evaluate", "--checkpoint", "/nonexistent/softq-run")]
    [InlineData("unknown command 'fly'", "fly")]
    [InlineData("unknown command 'trian' for testhost; did you mean train?", "trian")]
    [InlineData("needs a command: train, evaluate, serve, launch, compose, curves, settings")]
    [InlineData("Required argument missing for option: '--seed'", "train", "--seed")]
    [InlineData("Option '--checkpoint' is required", "evaluate")]
    [InlineData("seed 'akka.tcp://softq@nowhere' is not host:port", "serve", "--seeds", "nowhere")]
    [InlineData("cluster port 70000 is outside 0..65535", "serve", "--cluster-port", "70000")]
    [InlineData("publish-interval must be at least 1", "serve", "--publish-interval", "0")]
    [InlineData("batches-per-request must be at least 1", "serve", "--batches-per-request", "0")]
    [InlineData("unknown option '--seeds'", "train", "--seeds", "127.0.0.1:1")]
    [InlineData("unknown option '--replay'", "serve", "--replay", "http://127.0.0.1:1")]
    [InlineData("--seed cannot change when resuming", "train", "--resume", "/nonexistent/softq-run", "--seed", "3")]
    [InlineData("unknown option '--capacity' for testhost launch", "launch", "--capacity", "5")]
    [InlineData("actors must be at least 1, got 0", "launch", "--actors", "0")]
    [InlineData("unknown backend 'cuda'; valid: auto, openblas, managed, torch", "train", "--backend", "cuda")]
    [InlineData("unknown backend 'cuda'; valid: auto, openblas, managed, torch", "serve", "--seeds", "127.0.0.1:1", "--backend", "cuda")]
    public void Bad_input_is_one_clear_line_and_exit_code_2(string expected, params string[] args)
    {
        (int exitCode, _, string error) = LearnerEntryPoint.Run(args);
        Assert.Equal(2, exitCode);
        Assert.Contains(expected, error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void A_corrupt_checkpoint_is_one_clear_line_and_exit_code_2()
    {
        using var temp = new TestDirectory();
        string directory = temp.Path;
        File.WriteAllBytes(Path.Combine(directory, "checkpoint.safetensors"), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        (int exitCode, _, string error) = LearnerEntryPoint.Run("train", "--resume", directory);
        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    /// <summary>This test project does not build the torch backend, so there is no torch-backend/ next to the Learner here.</summary>
    [Theory]
    [InlineData("train")]
    [InlineData("serve", "--seeds", "127.0.0.1:1")]
    public void Torch_without_its_plugin_is_one_line_that_says_how_to_build_it(params string[] command)
    {
        (int exitCode, _, string error) = LearnerEntryPoint.Run([.. command, "--backend", "torch"]);
        Assert.Equal(2, exitCode);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: the torch backend is not built", error);
        Assert.Contains("TorchBackend=true dotnet build", error);
    }
}
