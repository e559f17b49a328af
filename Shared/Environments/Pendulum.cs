using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// The classic Gym pendulum swing-up (Pendulum-v1): torque in [-2, 2], observation (cos θ, sin θ, θ̇),
/// reward <c>-(angle_normalize(θ)^2 + 0.1 θ̇^2 + 0.001 u^2)</c> on the state before the step, never terminal,
/// 200 steps per episode. Gym's update order: the new speed uses the old angle, is clipped to ±8, and the new
/// angle uses the new speed. The angle is kept unwrapped, as in Gym; only the cost normalises it.
/// </summary>
public sealed class Pendulum : IEnvironment
{
    public const int Horizon = 200;
    public const double Gravity = 10.0;
    public const double Mass = 1.0;
    public const double Length = 1.0;
    public const double TimeStep = 0.05;
    public const float MaxSpeed = 8f;
    public const float MaxTorque = 2f;

    private readonly Rng _rng = new(0);
    private double _theta;
    private double _thetaDot;

    public string Name => "pendulum";
    public BoxSpace ObservationSpace { get; } = new([-1f, -1f, -MaxSpeed], [1f, 1f, MaxSpeed]);
    public BoxSpace ActionSpace { get; } = BoxSpace.Uniform(1, -MaxTorque, MaxTorque);
    public int MaxEpisodeSteps => Horizon;
    public int StateLength => 2 + StateWords.RngLength;

    /// <summary>The angle wrapped into [-π, π), as Gym's <c>angle_normalize</c> (a floored modulo).</summary>
    public static double AngleNormalize(double angle) =>
        angle - 2 * Math.PI * Math.Floor((angle + Math.PI) / (2 * Math.PI));

    public void Reset(ulong seed, Span<float> observation)
    {
        _rng.State = new Rng(seed).State;
        Reset(observation);
    }

    public void Reset(Span<float> observation)
    {
        _theta = -Math.PI + 2 * Math.PI * _rng.NextDouble();
        _thetaDot = -1.0 + 2.0 * _rng.NextDouble();
        WriteObservation(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> nextObservation)
    {
        if (action.Length != 1) throw new ArgumentException($"Pendulum takes 1 action value, got {action.Length}");
        double u = Math.Clamp(action[0], -MaxTorque, MaxTorque);
        double angle = AngleNormalize(_theta);
        double cost = angle * angle + 0.1 * _thetaDot * _thetaDot + 0.001 * u * u;

        double newThetaDot = _thetaDot
            + (3 * Gravity / (2 * Length) * Math.Sin(_theta) + 3.0 / (Mass * Length * Length) * u) * TimeStep;
        newThetaDot = Math.Clamp(newThetaDot, -MaxSpeed, MaxSpeed);
        _theta += newThetaDot * TimeStep;
        _thetaDot = newThetaDot;

        WriteObservation(nextObservation);
        return new StepResult((float)-cost, Terminated: false, Truncated: false);
    }

    public void SaveState(Span<long> state)
    {
        StateWords.CheckLength(state.Length, StateLength, Name);
        state[0] = StateWords.FromDouble(_theta);
        state[1] = StateWords.FromDouble(_thetaDot);
        StateWords.WriteRng(state[2..], _rng);
    }

    public void RestoreState(ReadOnlySpan<long> state)
    {
        StateWords.CheckLength(state.Length, StateLength, Name);
        _theta = StateWords.ToDouble(state[0]);
        _thetaDot = StateWords.ToDouble(state[1]);
        StateWords.ReadRng(state[2..], _rng);
    }

    private void WriteObservation(Span<float> observation)
    {
        (double sin, double cos) = Math.SinCos(_theta);
        observation[0] = (float)cos;
        observation[1] = (float)sin;
        observation[2] = (float)_thetaDot;
    }
}
