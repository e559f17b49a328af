using System.Text.Json.Serialization;

namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// CPU seconds (user and system, all threads, every incarnation) each role of a <c>launch</c> spent until the learner
/// was done, summed over the role's processes; actor nodes until they were told to stop. Beside the wall time it says
/// how much of the machine the run kept busy and which role took it: on a machine of N cores, no run finishes in less
/// than <see cref="Total"/> / N seconds.
/// </summary>
public sealed record ClusterCpuSeconds(
    [property: JsonPropertyName("learner")] double Learner,
    [property: JsonPropertyName("shards")] double Shards,
    [property: JsonPropertyName("actors")] double Actors,
    [property: JsonPropertyName("launch")] double Launch)
{
    [JsonPropertyName("total")]
    public double Total => Math.Round(Learner + Shards + Actors + Launch, 2);

    /// <summary>Reads the running children (the stopped ones keep their last reading) and this process.</summary>
    public static ClusterCpuSeconds Read(LocalCluster cluster)
    {
        cluster.SampleCpu();
        static double Seconds(IEnumerable<SupervisedChild> children) => Math.Round(children.Sum(c => c.CpuTime.TotalSeconds), 2);
        return new ClusterCpuSeconds(Seconds([cluster.Learner]), Seconds(cluster.Shards), Seconds(cluster.Actors),
            Math.Round(Environment.CpuUsage.TotalTime.TotalSeconds, 2));
    }
}
