using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SoftQDistributed.Actors;
using SoftQDistributed.Actors.Extensions;

// One actor node: settings from appsettings.json < SOFTQ__* environment variables < command line.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("SOFTQ__");
builder.Configuration.AddCommandLine(args, ActorNodeExtensions.SwitchMappings);
ActorNodeSettings settings;
try
{
    settings = builder.Configuration.ReadActorNodeSettings();
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
{
    // A person mistyped a setting: say which, in one line, not with a stack trace.
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
builder.AddActorNode(settings);

var app = builder.Build();
app.MapActorNode();
await app.StartAsync();

// Tests and launchers start nodes on port 0 and read the real address from this line.
var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
Console.WriteLine($"actor node {settings.NodeId} listening on {string.Join(" ", addresses)}");
await app.WaitForShutdownAsync();
return Environment.ExitCode; // 1 when the rollout failed
