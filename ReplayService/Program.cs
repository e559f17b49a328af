using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SoftQDistributed.ReplayService;
using SoftQDistributed.ReplayService.Extensions;

// One replay shard: settings from appsettings.json < SOFTQ__* environment variables < command line.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("SOFTQ__");
builder.Configuration.AddCommandLine(args, ReplayShardExtensions.SwitchMappings);
ShardSettings settings;
try
{
    settings = builder.Configuration.ReadShardSettings();
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
{
    // A person mistyped a setting: say which, in one line, not with a stack trace.
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
builder.AddReplayShard(settings);

var app = builder.Build();
app.MapReplayShard();
await app.StartAsync();

// Tests and launchers start shards on port 0 and read the real addresses from this line (gRPC first, in listen order).
var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
Console.WriteLine($"replay shard listening on {string.Join(" ", addresses)}");
await app.WaitForShutdownAsync();
return Environment.ExitCode; // 2 when start-up found a snapshot of another shape
