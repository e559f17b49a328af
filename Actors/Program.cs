using SoftQDistributed.Actors;
using SoftQDistributed.Actors.Extensions;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Hosting;

// One actor node: settings from appsettings.json < SOFTQ__* environment variables < command line.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("SOFTQ__");
builder.Configuration.AddCommandLine(args, ActorNodeExtensions.SwitchMappings);
ActorNodeSettings settings;
ClusterSettings cluster;
try
{
    settings = builder.Configuration.ReadActorNodeSettings();
    cluster = builder.Configuration.ReadClusterSettings();
    cluster.RequireSeeds("an actor node");
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
{
    // A person mistyped a setting: say which, in one line, not with a stack trace.
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
builder.AddActorNode(settings, cluster);

var app = builder.Build();
app.MapActorNode();
await app.StartAsync();

Console.WriteLine($"actor node {settings.NodeId} listening on {app.ListeningAddresses()}");
await app.WaitForShutdownAsync();
return Environment.ExitCode; // 1 when the rollout failed
