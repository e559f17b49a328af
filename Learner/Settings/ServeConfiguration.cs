using SoftQDistributed.Shared.Cluster;

namespace SoftQDistributed.Learner.Settings;

/// <summary>Everything <c>serve</c> is configured with: the run (as <c>train</c>), the update, the service, and how it joins the cluster.</summary>
public sealed record ServeConfiguration(TrainingSettings Training, SoftQSettings SoftQ, ServeSettings Serve, ClusterSettings Cluster);
