using System.Text.Json;

namespace SoftQDistributed.Tests.Service;

/// <summary>A real <c>serve</c> process (role "learner") on 127.0.0.1 joining the cluster at <c>--seeds</c>, started from the test's output folder.</summary>
internal sealed class LearnerProcess : ChildProcess
{
    private LearnerProcess(System.Diagnostics.ProcessStartInfo info) : base(info, "learner", "learner listening on ")
    {
    }

    public Uri Http { get; private set; } = null!;

    /// <summary>Starts <c>serve</c> in <paramref name="workingDirectory"/> (no appsettings.json there) and waits (bounded) for its listening line.</summary>
    public static async Task<LearnerProcess> StartAsync(string workingDirectory, string seeds, int clusterPort, params string[] args)
    {
        var info = Dotnet("SoftQDistributed.Learner.dll", workingDirectory,
            ["serve", "--host", "127.0.0.1", "--http-port", "0", "--cluster-port", clusterPort.ToString(), "--seeds", seeds, .. args]);
        var learner = new LearnerProcess(info);
        learner.Http = new Uri((await learner.ListeningAddressesAsync())[0]);
        return learner;
    }

    /// <summary><c>GET /status</c>; when the learner does not answer, the exception carries its output (why it stopped).</summary>
    public async Task<JsonElement> StatusAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string body;
        try
        {
            body = await client.GetStringAsync(new Uri(Http, "/status"));
        }
        catch (HttpRequestException ex)
        {
            throw new HttpRequestException($"GET /status: {ex.Message}; the learner's output:\n{Output}", ex);
        }
        using JsonDocument document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    public Task WaitUntilReadyAsync() => Readiness.WaitAsync(this, Http);
}
