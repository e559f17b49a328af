using SoftQDistributed.TestSupport;

namespace SoftQDistributed.Tests.Service;

/// <summary>A real <c>serve</c> process on 127.0.0.1 (ports chosen by the OS), started from the test's output folder.</summary>
internal sealed class LearnerProcess : ChildProcess
{
    private LearnerProcess(System.Diagnostics.ProcessStartInfo info) : base(info, "learner", "learner listening on ")
    {
    }

    public Uri Grpc { get; private set; } = null!;

    public Uri Http { get; private set; } = null!;

    /// <summary>Starts <c>serve</c> in <paramref name="workingDirectory"/> (no appsettings.json there) and waits (bounded) for its listening line.</summary>
    public static async Task<LearnerProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = Dotnet("SoftQDistributed.Learner.dll", workingDirectory, ["serve", "--host", "127.0.0.1", "--port", "0", "--http-port", "0", .. args]);
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var learner = new LearnerProcess(info);
        string[] addresses = await learner.ListeningAddressesAsync();
        (learner.Grpc, learner.Http) = (new Uri(addresses[0]), new Uri(addresses[1]));
        return learner;
    }
}
