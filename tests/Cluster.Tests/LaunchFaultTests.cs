using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SoftQDistributed.Learner.Cluster;
using SoftQDistributed.Learner.Service;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;
using Xunit.Abstractions;

namespace SoftQDistributed.Cluster.Tests;

/// <summary>
/// Issue 10's faults, injected into the real children of a real <c>launch</c> (2 shards, the learner, 2 actor nodes on
/// 127.0.0.1) while it trains: kill -9 of an actor node, of a shard and of the learner (launch restarts it and the run
/// completes), SIGSTOP of a shard for 15 s (the learner keeps updating, the actors keep stepping), and kill -9 of
/// launch itself (every child exits by itself). Every wait is bounded; the figures go to the test output.
/// </summary>
public sealed partial class LaunchFaultTests(ITestOutputHelper output)
{
    private const int Sigstop = 19;
    private const int Sigcont = 18;
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan Recover = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(3);

    // The kill tests' budget: the run must still be going when the restarted process is ready (launch stops every
    // child once the learner is done). A 2-vCPU Zen 5 VM trains this small run at ~4,700 env steps/s and was done
    // with 20,000 steps 0.4 s before a restarted shard was ready; a Zen 3 one at ~1,000/s takes ~80 s for this.
    private const string FaultBudget = "80000";

    private static string[] Faulted(params string[] more) => [.. LaunchProcess.SmallRun, "--actors", "2", "--shards", "2", "--seed", "2", .. more];

    [Fact]
    public async Task A_killed_actor_node_is_restarted_acts_with_current_parameters_and_the_run_completes()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, Faulted("--env-steps", FaultBudget));
        await launch.MembersAsync(Start);
        await launch.StatusWhenAsync(s => s.EnvSteps >= 600 && s.Updates >= 300, Run, "600 env steps and 300 updates");
        double before = await launch.UpdatesPerSecondAsync(RateWindow);
        LearnerStatus atKill = (await launch.StatusAsync())!;
        ClusterMember actor = launch.Member("actor", 1);

        LaunchProcess.KillHard(actor.Pid);

        ClusterMember restarted = await Eventually.Until(() => Task.FromResult(launch.Member("actor", 1) is { Restarts: >= 1 } m && m.Pid != actor.Pid ? m : null), Recover, "the actor's restart");
        await Eventually.ReturnsAsync(() => ChildProcess.ReadyzStatusAsync(new Uri(restarted.HttpUrl)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : 0),
            status => status == 200, "the restarted actor acting", Recover, () => launch.Log("actor", 1));
        // /readyz turns 200 a moment before the node logs the version it acts with: wait for the line.
        string acting = (await Eventually.Until(() => Task.FromResult(ActingLine().Match(launch.LatestIncarnationLog("actor", 1)) is { Success: true } m ? m.Groups[1].Value : null),
            Recover, "the restarted node's acting line"))!;
        Assert.True(ulong.Parse(acting) >= atKill.PolicyVersion, $"the restarted node acts with version {acting}, older than {atKill.PolicyVersion} published before the kill");
        double? recovered = await launch.SecondsUntilUpdateRateAsync(0.8 * before, RateWindow, Recover);
        output.WriteLine($"actor kill -9: {before:F0} updates/s before; back to 80% of it {Figure(recovered)} after the restarted node was ready");

        (int exitCode, JsonObject? summary) = await launch.WaitForExitAsync(Run);
        Assert.True(exitCode == 0, launch.Stderr);
        Assert.True((int)summary!["distributed"]!["child_restarts"]! >= 1);
        Assert.Equal(0, (long)summary["distributed"]!["transitions_dropped"]!);
        AssertEveryChildGone(launch);
    }

    [Fact]
    public async Task A_killed_shard_is_restarted_from_its_snapshot_while_the_learner_keeps_updating_and_the_run_completes()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, Faulted("--env-steps", FaultBudget, "--snapshot-interval", "1"));
        await launch.MembersAsync(Start);
        await launch.StatusWhenAsync(s => s.EnvSteps >= 800 && s.Updates >= 300, Run, "800 env steps and 300 updates");
        await Eventually.Until(() => Directory.EnumerateFiles(Path.Combine(directory.Path, "replay"), "*", SearchOption.AllDirectories).Any(f => f.Contains("shard-1", StringComparison.Ordinal)),
            Recover, "a snapshot of shard 1");
        double before = await launch.UpdatesPerSecondAsync(RateWindow);
        LearnerStatus atKill = (await launch.StatusAsync())!;
        ClusterMember shard = launch.Member("shard", 1);

        LaunchProcess.KillHard(shard.Pid);
        var killed = Stopwatch.StartNew();

        await launch.StatusWhenAsync(s => s.Updates >= atKill.Updates + 100, Recover, "updates after the shard's death");
        double firstUpdates = killed.Elapsed.TotalSeconds;
        ClusterMember restarted = await Eventually.Until(() => Task.FromResult(launch.Member("shard", 1) is { Restarts: >= 1 } m && m.Pid != shard.Pid ? m : null), Recover, "the shard's restart");
        Assert.Equal(shard.RpcUrl, restarted.RpcUrl);
        Assert.Equal(shard.AkkaAddress, restarted.AkkaAddress);
        await Eventually.Until(() => launch.LatestIncarnationLog("shard", 1).Contains("Restored ", StringComparison.Ordinal), Recover, "the restart restoring a snapshot");
        await Eventually.ReturnsAsync(() => ChildProcess.ReadyzStatusAsync(new Uri(restarted.HttpUrl)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : 0),
            status => status == 200, "the restarted shard ready", Recover, () => launch.Log("shard", 1));
        await launch.StatusWhenAsync(s => s.ReplayShards == 2, Recover, "the learner sampling both shards again");
        double backAt = killed.Elapsed.TotalSeconds;
        double? recovered = await launch.SecondsUntilUpdateRateAsync(0.8 * before, RateWindow, Recover);
        output.WriteLine($"shard kill -9: {before:F0} updates/s before; 100 more updates {firstUpdates:F1} s after the kill; the restarted shard sampled again {backAt:F1} s after the kill; 80% of the rate {Figure(recovered)} after that");

        (int exitCode, JsonObject? summary) = await launch.WaitForExitAsync(Run);
        Assert.True(exitCode == 0, launch.Stderr);
        JsonObject distributed = summary!["distributed"]!.AsObject();
        Assert.True((int)distributed["child_restarts"]! >= 1);
        Assert.Equal(0, (long)distributed["transitions_dropped"]!);
        AssertEveryChildGone(launch);
    }

    [Fact]
    public async Task A_killed_learner_resumes_from_its_checkpoint_actors_take_its_new_broadcasts_and_the_run_completes()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, Faulted("--env-steps", FaultBudget, "--checkpoint-interval", "500"));
        await launch.MembersAsync(Start);
        await Eventually.Until(() => launch.Log("learner", 0).Contains("checkpoint at ", StringComparison.Ordinal), Run, "a periodic checkpoint");
        double before = await launch.UpdatesPerSecondAsync(RateWindow);
        LearnerStatus atKill = (await launch.StatusAsync())!;
        ClusterMember learner = launch.Member("learner", 0);

        // Stopped, the learner cannot replace its checkpoint (written by rename): the file on disk now is the one the
        // restart must resume from. Its "checkpoint at" line is no measure: launch relays stderr, and a kill right
        // after a save beat the line to the log (CI, 17,500 resumed, 17,000 logged).
        Assert.Equal(0, Signal(learner.Pid, Sigstop));
        long checkpointed = CheckpointedUpdates(Path.Combine(directory.Path, "learner", TrainingCheckpoint.FileName));
        LaunchProcess.KillHard(learner.Pid);
        var killed = Stopwatch.StartNew();

        await Eventually.Until(() => launch.Member("learner", 0) is { Restarts: >= 1 } m && m.Pid != learner.Pid, Recover, "the learner's restart");
        double restartedAt = killed.Elapsed.TotalSeconds;
        LearnerStatus after = await launch.StatusWhenAsync(s => s.LearnerInstance != atKill.LearnerInstance && s.Updates > checkpointed, Recover, "the new learner updating");
        double updatingAt = killed.Elapsed.TotalSeconds;
        // The status can show the new learner updating before launch has relayed its stderr line into the log.
        await Eventually.Until(() => ResumedLine().IsMatch(launch.LatestIncarnationLog("learner", 0)), Recover, "the new learner's resume line in its log");
        string resumed = ResumedLine().Match(launch.LatestIncarnationLog("learner", 0)).Groups[1].Value;
        Assert.Equal(checkpointed, long.Parse(resumed));
        Assert.True(after.Active);
        await Eventually.Until(() => launch.Log("actor", 0).Contains("learner instance changed", StringComparison.Ordinal)
            && launch.Log("actor", 1).Contains("learner instance changed", StringComparison.Ordinal), Recover, "both actors taking the new learner's parameters");
        await launch.StatusWhenAsync(s => s.ActorsReporting >= 2, Recover, "both actors reporting to the new learner");
        double? recovered = await launch.SecondsUntilUpdateRateAsync(0.8 * before, RateWindow, Recover);
        output.WriteLine($"learner kill -9: {before:F0} updates/s before; restarted process {restartedAt:F1} s after the kill; updating again {updatingAt - restartedAt:F1} s after its restart; 80% of the rate {Figure(recovered)} after its first updates");

        (int exitCode, JsonObject? summary) = await launch.WaitForExitAsync(Run);
        Assert.True(exitCode == 0, launch.Stderr);
        Assert.True((int)summary!["distributed"]!["child_restarts"]! >= 1);
        AssertEveryChildGone(launch);
    }

    [Fact]
    public async Task A_shard_stopped_for_15_s_neither_stalls_the_learner_nor_the_actors()
    {
        using var directory = new TestDirectory();
        // a budget the test never reaches, so that the run cannot end while the shard is stopped on a fast machine
        await using var launch = LaunchProcess.Start(directory.Path, Faulted("--env-steps", "1000000"));
        await launch.MembersAsync(Start);
        await launch.StatusWhenAsync(s => s.EnvSteps >= 800 && s.Updates >= 300, Run, "800 env steps and 300 updates");
        double before = await launch.UpdatesPerSecondAsync(RateWindow);
        ClusterMember shard = launch.Member("shard", 1);

        Assert.Equal(0, Signal(shard.Pid, Sigstop));
        List<(double Seconds, LearnerStatus? Status)> trace;
        try
        {
            trace = await TraceAsync(launch, TimeSpan.FromSeconds(15));
        }
        finally
        {
            Signal(shard.Pid, Sigcont);
        }

        LearnerStatus[] answered = [.. trace.Where(t => t.Status is not null).Select(t => t.Status!)];
        Assert.True(answered.Length >= trace.Count * 0.9, $"the learner answered {answered.Length} of {trace.Count} polls");
        double longestWithoutUpdate = LongestGap(trace, (a, b) => b.Updates > a.Updates);
        double longestWithoutSteps = LongestGap(trace, (a, b) => b.EnvSteps > a.EnvSteps);
        double during = (answered[^1].Updates - answered[0].Updates) / (trace[^1].Seconds - trace[0].Seconds);
        output.WriteLine($"shard SIGSTOP 15 s: {before:F0} updates/s before, {during:F0} during; longest without an update {longestWithoutUpdate:F2} s, without env steps {longestWithoutSteps:F2} s; env steps {answered[0].EnvSteps} -> {answered[^1].EnvSteps}");
        Assert.True(longestWithoutUpdate < 3, $"the learner went {longestWithoutUpdate:F2} s without an update while shard 1 was stopped");
        Assert.True(answered[^1].EnvSteps > answered[0].EnvSteps + 100, $"the actors stepped {answered[^1].EnvSteps - answered[0].EnvSteps} env steps in 15 s");
        Assert.True(longestWithoutSteps < 5, $"the actors went {longestWithoutSteps:F2} s without a step reaching the replay");
        Assert.True(ChildProcess.IsAlive(shard.Pid) && launch.Member("shard", 1).Restarts == 0, "the stopped shard was restarted");

        double? recovered = await launch.SecondsUntilUpdateRateAsync(0.8 * before, RateWindow, Recover);
        output.WriteLine($"shard SIGCONT: 80% of the rate {Figure(recovered)} after");
        Assert.Equal(0ul, (await launch.StatusAsync())!.TransitionsDropped);

        ChildProcess.Terminate(launch.Pid);
        (int exitCode, _) = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exitCode == 0, launch.Stderr);
        AssertEveryChildGone(launch);
    }

    [Fact]
    public async Task Every_child_exits_by_itself_within_10_s_of_a_kill_9_of_launch()
    {
        using var directory = new TestDirectory();
        await using var launch = LaunchProcess.Start(directory.Path, Faulted("--env-steps", "100000"));
        IReadOnlyList<ClusterMember> members = await launch.MembersAsync(Start);
        await launch.StatusWhenAsync(s => s.EnvSteps >= 200, Run, "200 env steps");
        Assert.All(members, m => Assert.True(ChildProcess.IsAlive(m.Pid), $"{m.Role}-{m.Index} is not running"));

        LaunchProcess.KillHard(launch.Pid);
        var killed = Stopwatch.StartNew();

        await Eventually.Until(() => members.All(m => !ChildProcess.IsAlive(m.Pid)), TimeSpan.FromSeconds(10),
            $"every child gone (alive: {string.Join(", ", members.Where(m => ChildProcess.IsAlive(m.Pid)).Select(m => $"{m.Role}-{m.Index}"))})");
        output.WriteLine($"launch kill -9: every child gone {killed.Elapsed.TotalSeconds:F1} s after");
    }

    /// <summary>The updates the learner's checkpoint at <paramref name="path"/> holds (its third counter).</summary>
    private static long CheckpointedUpdates(string path) => SafetensorsFile.Load(path).ReadInt64("counters")[2];

    private static string Figure(double? seconds) => seconds is { } s ? $"{s:F1} s" : "not measured (the budget was reached first)";

    /// <summary>The learner's status every 250 ms for <paramref name="duration"/> (null where it did not answer).</summary>
    private static async Task<List<(double Seconds, LearnerStatus? Status)>> TraceAsync(LaunchProcess launch, TimeSpan duration)
    {
        var trace = new List<(double, LearnerStatus?)>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            LearnerStatus? status = await launch.StatusAsync();
            trace.Add((clock.Elapsed.TotalSeconds, status));
            await Task.Delay(250);
        }
        return trace;
    }

    /// <summary>The longest time in the trace between two answered polls where <paramref name="progressed"/> held.</summary>
    private static double LongestGap(List<(double Seconds, LearnerStatus? Status)> trace, Func<LearnerStatus, LearnerStatus, bool> progressed)
    {
        var answered = trace.Where(t => t.Status is not null).ToList();
        double longest = 0, since = answered[0].Seconds;
        LearnerStatus last = answered[0].Status!;
        foreach ((double seconds, LearnerStatus? status) in answered.Skip(1))
        {
            longest = Math.Max(longest, seconds - since);
            if (progressed(last, status!))
            {
                since = seconds;
                last = status!;
            }
        }
        return longest;
    }

    private static void AssertEveryChildGone(LaunchProcess launch) =>
        Assert.All(ClusterDescription.Read(launch.ClusterJson), m => Assert.False(ChildProcess.IsAlive(m.Pid), $"{m.Role}-{m.Index} still runs"));

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Signal(int pid, int signal);

    [GeneratedRegex(@"acting in .* with policy version (\d+)")]
    private static partial Regex ActingLine();

    [GeneratedRegex(@"resumed at (\d+) updates")]
    private static partial Regex ResumedLine();
}
