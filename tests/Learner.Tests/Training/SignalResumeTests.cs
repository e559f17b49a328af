using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Tests.Training;

/// <summary>
/// Real <c>train</c> processes: one stopped in the middle of an epoch (Ctrl-C, SIGTERM, or kill -9 after an interval
/// checkpoint) and resumed ends with the same networks, counters, replay, metrics.csv rows and summary as a run never
/// stopped. Only what measures time may differ: the checkpoint's run_seconds and metrics.csv's seconds and rate columns.
/// </summary>
public sealed class SignalResumeTests(SignalResumeTests.StraightRun straight) : IClassFixture<SignalResumeTests.StraightRun>
{
    private const int EpochLength = 1000;
    // Far past the signal at 1200 steps (a progress line falls every twentieth of it, so 1200 is one): a Zen 5 VM
    // finished a 3,000-step budget before SIGTERM reached the run.
    private const int Budget = 12000;

    /// <summary>
    /// Small networks, 12 epochs of 1000 steps, an interval checkpoint every 1300 steps: a few seconds a run. No multiple
    /// of 1300 within the budget ends an epoch. With 1500, the checkpoints at 3000, 6000, … fell on epoch ends, and a
    /// signal that arrived while one was written stopped the run there (seen once at 6000 on a fast VM).
    /// </summary>
    private static readonly string[] Settings = ["--env", "multigoal", "--seed", "7", "--env-steps", $"{Budget}", "--epoch-length", $"{EpochLength}",
        "--eval-episodes", "2", "--eval-episodes-per-epoch", "2", "--min-replay-size", "100", "--batch-size", "32", "--hidden", "32,32",
        "--svgd-particles", "8", "--value-particles", "8", "--threads", "1", "--backend", "managed", "--checkpoint-interval", "1300"];

    /// <summary>metrics.csv's columns that measure time: train, sample and eval seconds, updates per second.</summary>
    private static readonly int[] TimingColumns = [16, 17, 18, 19];

    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("SIGINT")]
    [InlineData("SIGTERM")]
    [InlineData("SIGKILL")]
    public async Task A_run_stopped_mid_epoch_and_resumed_equals_the_straight_run(string signal)
    {
        using var temp = new TestDirectory();
        string run = Path.Combine(temp.Path, "run");
        await using (var first = TrainProcess.Start(temp.Path, ["train", "--out", run, .. Settings]))
        {
            if (signal == "SIGKILL")
            {
                // kill -9 leaves the interval checkpoint at 1300 steps (or a later one), written between iterations.
                await Eventually.Until(() => File.Exists(Path.Combine(run, TrainingCheckpoint.FileName)), RunLimit, "the interval checkpoint");
                await first.KillAsync();
            }
            else
            {
                // Sent well inside the second epoch (it ends at 2000), where finished episodes and update statistics are pending.
                await Eventually.Until(() => first.Stderr.Contains($"steps 1200/{Budget}"), RunLimit, "the progress line at 1200 steps");
                if (signal == "SIGINT") ChildProcess.Interrupt(first.Pid);
                else ChildProcess.Terminate(first.Pid);
                await first.Exited.WaitAsync(RunLimit);
                Assert.True(first.ExitCode == 0, first.Output);
                Assert.Contains("stopped at ", first.Stderr);
            }
        }
        long stoppedAt = SafetensorsFile.Load(Path.Combine(run, TrainingCheckpoint.FileName)).ReadInt64("counters")[4];
        Assert.InRange(stoppedAt, 1, Budget - 1);
        Assert.True(stoppedAt % EpochLength != 0, $"stopped at {stoppedAt} env steps, on an epoch's end");

        (int exitCode, string output, string error) = await ChildProcess.RunToExitAsync(Learner(temp.Path, ["train", "--resume", run]));
        Assert.True(exitCode == 0, error);
        Assert.Contains($"resumed from {Path.Combine(run, TrainingCheckpoint.FileName)} at {stoppedAt} env steps", error);

        AssertSameTensors(straight.Directory, run);
        Assert.Equal(WithoutTiming(straight.Directory), WithoutTiming(run));
        JsonObject expected = Summary(straight.Directory), actual = Summary(run);
        foreach (string key in new[] { "env", "env_steps", "updates", "skipped_updates", "eval" })
            Assert.Equal(expected[key]!.ToJsonString(), actual[key]!.ToJsonString());
        Assert.False((bool)expected["resumed"]!);
        Assert.True((bool)actual["resumed"]!);
        Assert.Equal(actual.ToJsonString(), JsonNode.Parse(output.TrimEnd().Split('\n')[^1])!.ToJsonString());
    }

    /// <summary>Every tensor of the final checkpoints, byte for byte, but the clocks.</summary>
    private static void AssertSameTensors(string expectedRun, string actualRun)
    {
        SafetensorsFile expected = SafetensorsFile.Load(Path.Combine(expectedRun, TrainingCheckpoint.FileName));
        SafetensorsFile actual = SafetensorsFile.Load(Path.Combine(actualRun, TrainingCheckpoint.FileName));
        Assert.Equal(expected.Tensors.Select(t => t.Name).Order(), actual.Tensors.Select(t => t.Name).Order());
        foreach (TensorInfo tensor in expected.Tensors.Where(t => t.Name != "run_seconds"))
            Assert.True(Bytes(expected, tensor).SequenceEqual(Bytes(actual, actual.Info(tensor.Name))), $"tensor {tensor.Name} differs");
    }

    private static byte[] Bytes(SafetensorsFile file, TensorInfo tensor) => tensor.DType switch
    {
        TensorDType.F32 => MemoryMarshal.AsBytes(file.ReadFloat32(tensor.Name).AsSpan()).ToArray(),
        TensorDType.F64 => MemoryMarshal.AsBytes(file.ReadFloat64(tensor.Name).AsSpan()).ToArray(),
        _ => MemoryMarshal.AsBytes(file.ReadInt64(tensor.Name).AsSpan()).ToArray(),
    };

    private static string[] WithoutTiming(string run) =>
        [.. File.ReadLines(Path.Combine(run, MetricsLog.FileName))
            .Select(line => string.Join(',', line.Split(',').Where((_, column) => !TimingColumns.Contains(column))))];

    private static JsonObject Summary(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, FinalReport.SummaryFileName)))!.AsObject();

    /// <summary>
    /// The learner from the test's output folder under <c>env --default-signal=INT</c>: a test host started in the
    /// background of a script ignores SIGINT, and a child would inherit that and never see the Ctrl-C.
    /// </summary>
    private static ProcessStartInfo Learner(string workingDirectory, IEnumerable<string> arguments) =>
        ChildProcess.Executable("env", workingDirectory,
            ["--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "SoftQDistributed.Learner.dll"), .. arguments]);

    /// <summary>The run never stopped, made once for the three cases.</summary>
    public sealed class StraightRun : IDisposable
    {
        private readonly TestDirectory _directory = new();

        public StraightRun()
        {
            Directory = Path.Combine(_directory.Path, "run");
            (int exitCode, _, string error) = ChildProcess.RunToExitAsync(Learner(_directory.Path, ["train", "--out", Directory, .. Settings]))
                .GetAwaiter().GetResult();
            if (exitCode != 0) throw new InvalidOperationException($"the straight run failed: {error}");
        }

        public string Directory { get; }

        public void Dispose() => _directory.Dispose();
    }

    private sealed class TrainProcess(ProcessStartInfo info) : ChildProcess(info, "train")
    {
        public static TrainProcess Start(string workingDirectory, IEnumerable<string> arguments) => new(Learner(workingDirectory, arguments));
    }
}
