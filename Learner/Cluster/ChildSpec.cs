namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// One process of the cluster: which assembly to run with which arguments, and where it will listen. The ports
/// are chosen before the first start and kept, so a restarted child is found at the same addresses.
/// </summary>
/// <param name="Role">"shard", "learner" or "actor": the log file is <c>logs/&lt;role&gt;-&lt;index&gt;.log</c>.</param>
/// <param name="Dll">The child's assembly, run as <c>dotnet Dll Arguments</c>.</param>
/// <param name="ListeningPrefix">The start of the one line the child prints on stdout once it listens.</param>
/// <param name="RpcUrl">gRPC address of a shard's language-neutral edge (null for the learner and actors).</param>
/// <param name="HttpUrl">Where <c>/healthz</c> and <c>/readyz</c> answer.</param>
/// <param name="AkkaAddress">The child's address in the cluster (akka.tcp://softq@127.0.0.1:port), fixed so a restarted child replaces its old incarnation at once.</param>
/// <param name="Environment">Variables added to the child's environment (the auth token, log levels, launch's pid).</param>
public sealed record ChildSpec(
    string Role,
    int Index,
    string Dll,
    IReadOnlyList<string> Arguments,
    string ListeningPrefix,
    Uri? RpcUrl,
    Uri HttpUrl,
    string AkkaAddress,
    IReadOnlyDictionary<string, string> Environment)
{
    public string Name => $"{Role}-{Index}";
}
