using SoftQDistributed.ReplayService;
using SoftQDistributed.ReplayService.Extensions;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.Hosting;

// One replay shard: settings from appsettings.json < SOFTQ__* environment variables < command line.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("SOFTQ__");
builder.Configuration.AddCommandLine(args, ReplayShardExtensions.SwitchMappings);
ShardSettings settings;
ClusterSettings cluster;
try
{
    settings = builder.Configuration.ReadShardSettings();
    cluster = builder.Configuration.ReadClusterSettings();
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
{
    // A person mistyped a setting: say which, in one line, not with a stack trace.
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
builder.AddReplayShard(settings, cluster);

var app = builder.Build();
app.MapReplayShard();
await app.StartAsync();

Console.WriteLine($"replay shard listening on {app.ListeningAddresses()}");
await app.WaitForShutdownAsync();
return Environment.ExitCode; // 2 when start-up found a snapshot of another shape
