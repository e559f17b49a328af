namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// What one environment step reports. <see cref="Terminated"/> is a true end of the task (no bootstrapping
/// past it); <see cref="Truncated"/> is a cut by the time limit (bootstrap through it). At most one is set.
/// </summary>
public readonly record struct StepResult(float Reward, bool Terminated, bool Truncated)
{
    /// <summary>The episode is over, for either reason, and the environment must be reset.</summary>
    public bool Finished => Terminated || Truncated;
}
