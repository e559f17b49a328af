using System.CommandLine;
using SoftQDistributed.ReplayService;
using SoftQDistributed.ReplayService.Extensions;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.CommandLine;
using SoftQDistributed.Shared.Hosting;

// One replay shard. Settings, lowest first: the defaults, appsettings.json next to the program, appsettings.json in
// the working directory, SOFTQ__* environment variables, the command line. --help starts nothing.
var options = new SettingOptions(ReplayShardExtensions.Settings);
var root = new RootCommand("A replay shard: a member of the cluster (role replay) that stores transitions, serves samples and snapshots them. " +
                           "Every option is also a key in appsettings.json and an environment variable (SOFTQ__Shard__Capacity for --capacity); see docs/settings.md.");
options.AddTo(root);
root.SetAction((parse, _) => RunAsync(options.Given(parse)));
// A person mistyped a setting (a bad value, one that does not convert, a port in use): one line, exit code 2.
return await CommandLineProgram.RunAsync(root, args, e => e is ArgumentException or InvalidOperationException or IOException);

static async Task<int> RunAsync(IReadOnlyDictionary<string, string> commandLine)
{
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddRoleSettings(commandLine, ReplayShardExtensions.Settings);
    ShardSettings settings = builder.Configuration.ReadShardSettings();
    ClusterSettings cluster = builder.Configuration.ReadClusterSettings();
    builder.AddReplayShard(settings, cluster);

    var app = builder.Build();
    app.MapReplayShard();
    await app.StartAsync();

    Console.WriteLine($"replay shard listening on {app.ListeningAddresses()}");
    await app.WaitForShutdownAsync();
    return Environment.ExitCode; // 2 when start-up found a snapshot of another shape
}
