using System.Diagnostics;
using SoftQDistributed.TestSupport;

namespace SoftQDistributed.Actors.Tests.Integration;

/// <summary>A real actor-node process on 127.0.0.1, started from the test's output folder; every wait is bounded.</summary>
internal sealed class ActorProcess : ChildProcess
{
    private ActorProcess(ProcessStartInfo info, int nodeId) : base(info, "actor node", $"actor node {nodeId} listening on ")
    {
    }

    public Uri Http { get; private set; } = null!;

    public static async Task<ActorProcess> StartAsync(Uri learner, IEnumerable<Uri> shards, int nodeId = 0, IDictionary<string, string>? environment = null, params string[] extra)
    {
        var node = new ActorProcess(StartInfo(ArgumentsFor(learner, shards, nodeId, extra), environment), nodeId);
        node.Http = new Uri((await node.ListeningAddressesAsync())[0]);
        return node;
    }

    /// <summary>Runs a node expected to refuse to start: its exit code, standard output and standard error.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunToExitAsync(params string[] arguments) =>
        RunToExitAsync(StartInfo(arguments, null));

    public static string[] ArgumentsFor(Uri learner, IEnumerable<Uri> shards, int nodeId, params string[] extra) =>
    [
        "--learner", learner.ToString(), "--replay", string.Join(",", shards), "--env", "multigoal", "--envs", "4",
        "--node-id", nodeId.ToString(), "--seed", "1", "--host", "127.0.0.1", "--http-port", "0", "--backend", "managed",
        "--report-interval", "0.2", .. extra,
    ];

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IDictionary<string, string>? environment)
    {
        ProcessStartInfo info = Dotnet("SoftQDistributed.Actors.dll", AppContext.BaseDirectory, arguments);
        info.Environment["Logging__LogLevel__Default"] = "Information";
        info.Environment.Remove("SOFTQ__AUTH__TOKEN");
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return info;
    }

    /// <summary>Polls /readyz (bounded) until the node acts with parameters.</summary>
    public Task WaitUntilReadyAsync(TimeSpan? within = null) => WaitUntilReadyAsync(Http, within ?? TimeSpan.FromSeconds(30));

    public Task<int> ReadyzStatusAsync() => ReadyzStatusAsync(Http);
}
