using System.Diagnostics;

namespace SoftQDistributed.Actors.Tests.Integration;

/// <summary>A real actor-node process (role "actor") on 127.0.0.1 joining the cluster at <c>--seeds</c>; every wait is bounded.</summary>
internal sealed class ActorNodeProcess : ChildProcess
{
    private ActorNodeProcess(ProcessStartInfo info, int nodeId) : base(info, "actor node", $"actor node {nodeId} listening on ")
    {
    }

    public Uri Http { get; private set; } = null!;

    public static async Task<ActorNodeProcess> StartAsync(string seeds, int nodeId = 0, params string[] extra)
    {
        var node = new ActorNodeProcess(StartInfo(ArgumentsFor(seeds, nodeId, extra)), nodeId);
        node.Http = new Uri((await node.ListeningAddressesAsync())[0]);
        return node;
    }

    /// <summary>Runs a node expected to refuse to start: its exit code, standard output and standard error.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunToExitAsync(params string[] arguments) =>
        RunToExitAsync(StartInfo(arguments));

    public static string[] ArgumentsFor(string seeds, int nodeId, params string[] extra) =>
    [
        "--env", "multigoal", "--envs", "4", "--node-id", nodeId.ToString(), "--seed", "1", "--host", "127.0.0.1", "--http-port", "0",
        "--backend", "managed", "--report-interval", "0.1", "--cluster-port", "0", "--seeds", seeds, .. extra,
    ];

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        ProcessStartInfo info = Dotnet("SoftQDistributed.Actors.dll", AppContext.BaseDirectory, arguments);
        info.Environment["Logging__LogLevel__Default"] = "Information";
        return info;
    }

    /// <summary>Polls /readyz (bounded) until the node acts with parameters.</summary>
    public Task WaitUntilActingAsync() => Readiness.WaitAsync(this, Http);

    public Task<int> ReadyzStatusAsync() => ReadyzStatusAsync(Http);
}
