using System.CommandLine;
using SoftQDistributed.Actors;
using SoftQDistributed.Actors.Extensions;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.CommandLine;
using SoftQDistributed.Shared.Hosting;

// One actor node. Settings, lowest first: the defaults, appsettings.json next to the program, appsettings.json in
// the working directory, SOFTQ__* environment variables, the command line. --help starts nothing.
var options = new SettingOptions(ActorNodeExtensions.Settings);
var root = new RootCommand("An actor node: a member of the cluster (role actor) that steps environments with the learner's policy and sends the transitions to the replay shards. " +
                           "Every option is also a key in appsettings.json and an environment variable (SOFTQ__Actor__Envs for --envs); see docs/settings.md.");
options.AddTo(root);
root.SetAction((parse, _) => RunAsync(options.Given(parse)));
// A person mistyped a setting (a bad value, one that does not convert, a port in use): one line, exit code 2.
return await CommandLineProgram.RunAsync(root, args, e => e is ArgumentException or InvalidOperationException or FormatException or IOException);

static async Task<int> RunAsync(IReadOnlyDictionary<string, string> commandLine)
{
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddRoleSettings(commandLine, ActorNodeExtensions.Settings);
    ActorNodeSettings settings = builder.Configuration.ReadActorNodeSettings();
    ClusterSettings cluster = builder.Configuration.ReadClusterSettings();
    cluster.RequireSeeds("an actor node");
    builder.AddActorNode(settings, cluster);

    var app = builder.Build();
    app.MapActorNode();
    await app.StartAsync();

    Console.WriteLine($"actor node {settings.NodeId} listening on {app.ListeningAddresses()}");
    await app.WaitForShutdownAsync();
    return Environment.ExitCode; // 1 when the rollout failed
}
