namespace SoftQDistributed.Learner.Cluster;

/// <summary>A child that exited, or never became ready, while it was being started.</summary>
public sealed class ChildFailedException(string message) : Exception(message);
