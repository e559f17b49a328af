namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// The parts of one locomotion step's reward, as Gymnasium's info reports them:
/// <c>reward = Forward + Healthy - Control - Contact</c>, with <c>Forward = forward weight * XVelocity</c>.
/// </summary>
public readonly record struct RewardTerms(double XVelocity, double Forward, double Healthy, double Control, double Contact)
{
    public double Total => Forward + Healthy - Control - Contact;
}
