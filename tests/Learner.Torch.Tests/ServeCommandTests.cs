using System.Diagnostics;

namespace SoftQDistributed.Torch.Tests;

/// <summary><c>serve</c> shares <c>train</c>'s settings: <c>--backend torch</c> loads the plugin there too.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_on_torch_loads_the_plugin_and_stops_cleanly()
    {
        using var directory = new TestDirectory();
        int port = FreePort.Take(); // its own seed: a cluster of one
        await using var learner = new ServeProcess(ChildProcess.Dotnet("SoftQDistributed.Learner.dll", directory.Path,
        [
            "serve", "--backend", "torch", "--env", "multigoal", "--host", "127.0.0.1", "--http-port", "0",
            "--cluster-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seeds", $"127.0.0.1:{port}",
        ]));
        await learner.StartedAsync();

        Assert.Contains("update backend: torch (libtorch ", learner.Stderr);
        Assert.Equal(0, await learner.TerminateAsync());
    }

    private sealed class ServeProcess(ProcessStartInfo info) : ChildProcess(info, "learner", "learner listening on ")
    {
        public Task<string[]> StartedAsync() => ListeningAddressesAsync();
    }
}
