namespace SoftQDistributed.Learner.Service;

/// <summary>The actor nodes' reports, summed over nodes and their restarts.</summary>
/// <param name="Episodes">Episodes reported finished.</param>
/// <param name="RecentMeanReturn">Mean return of the most recent episodes (NaN before any).</param>
/// <param name="MeanPolicyLagVersions">Mean over reports of (newest published version − acting version).</param>
/// <param name="ActorsReporting">Nodes heard from within <see cref="ActorReports.ReportingWindow"/>.</param>
public sealed record ActorSummary(long Episodes, double RecentMeanReturn, double MeanPolicyLagVersions,
    ulong EnvSteps, ulong TransitionsSent, ulong TransitionsRetried, ulong TransitionsDropped, int ActorsReporting);
