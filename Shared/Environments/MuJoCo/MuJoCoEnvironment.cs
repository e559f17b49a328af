using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// What the six Gymnasium v4 locomotion tasks share (gymnasium/envs/mujoco/mujoco_env.py): the action is written to
/// ctrl and the model stepped <see cref="FrameSkip"/> times, then mj_rnePostConstraint fills the contact forces;
/// the forward velocity is the change of a task-chosen x coordinate over <see cref="Dt"/>; a reset puts the model
/// at qpos0 plus noise of <c>±ResetNoiseScale</c>. The state snapshot holds qpos, qvel, act, the solver's warm
/// start, time, the x coordinate the next step starts from, and the generator, so a restore is bit-exact.
/// </summary>
public abstract class MuJoCoEnvironment : IEnvironment, IDisposable
{
    /// <summary>Gymnasium registers every locomotion task with a 1000-step limit.</summary>
    public const int Horizon = 1000;

    private const int ScalarStateWords = 2; // time, x before the next step

    private readonly Rng _rng = new(0);
    private double _xBefore;

    protected MuJoCoEnvironment(string name, string modelFile, int frameSkip, int observationDim, double resetNoiseScale)
    {
        Name = name;
        Simulation = new MjSimulation(MuJoCoModels.PathOf(modelFile));
        FrameSkip = frameSkip;
        ResetNoiseScale = resetNoiseScale;
        ObservationSpace = BoxSpace.Uniform(observationDim, float.NegativeInfinity, float.PositiveInfinity);
        var low = new float[Simulation.Nu];
        var high = new float[Simulation.Nu];
        ReadOnlySpan<double> range = Simulation.ActuatorCtrlRange;
        for (int i = 0; i < low.Length; i++) (low[i], high[i]) = ((float)range[2 * i], (float)range[2 * i + 1]);
        ActionSpace = new BoxSpace(low, high);
    }

    public string Name { get; }
    public BoxSpace ObservationSpace { get; }
    public BoxSpace ActionSpace { get; }
    public int MaxEpisodeSteps => Horizon;

    /// <summary>The simulator, for tests and plots; stepping it directly bypasses the task.</summary>
    public MjSimulation Simulation { get; }

    /// <summary>Physics steps per environment step.</summary>
    public int FrameSkip { get; }

    /// <summary>Seconds per environment step: timestep × frame skip.</summary>
    public double Dt => Simulation.Timestep * FrameSkip;

    public double ResetNoiseScale { get; }

    /// <summary>The reward's parts at the last step.</summary>
    public RewardTerms LastTerms { get; private set; }

    public int StateLength =>
        Simulation.Nq + 2 * Simulation.Nv + Simulation.Na + ScalarStateWords + StateWords.RngLength;

    public void Reset(ulong seed, Span<float> observation)
    {
        _rng.State = new Rng(seed).State;
        Reset(observation);
    }

    public void Reset(Span<float> observation)
    {
        CheckObservation(observation);
        MjSimulation sim = Simulation;
        sim.Reset();
        Span<double> qpos = sim.Qpos;
        for (int i = 0; i < qpos.Length; i++) qpos[i] += Uniform();
        Span<double> qvel = sim.Qvel;
        for (int i = 0; i < qvel.Length; i++) qvel[i] = VelocityNoise();
        sim.Forward();
        _xBefore = PositionX();
        WriteObservation(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> nextObservation)
    {
        MjSimulation sim = Simulation;
        if (action.Length != sim.Nu) throw new ArgumentException($"{Name} takes {sim.Nu} action values, got {action.Length}");
        CheckObservation(nextObservation);
        Span<double> ctrl = sim.Ctrl;
        double squaredAction = 0;
        for (int i = 0; i < ctrl.Length; i++)
        {
            ctrl[i] = action[i];
            squaredAction += (double)action[i] * action[i];
        }
        sim.Step(FrameSkip);
        // As of MuJoCo 2.0 the contact forces are computed only on request (gym issue 1541); Gymnasium asks.
        sim.RnePostConstraint();
        double xAfter = PositionX();
        double xVelocity = (xAfter - _xBefore) / Dt;
        _xBefore = xAfter;
        (RewardTerms terms, bool terminated) = Score(xVelocity, squaredAction);
        LastTerms = terms;
        WriteObservation(nextObservation);
        return new StepResult((float)terms.Total, terminated, Truncated: false);
    }

    public void SaveState(Span<long> state)
    {
        StateWords.CheckLength(state.Length, StateLength, Name);
        MjSimulation sim = Simulation;
        int offset = 0;
        foreach (double value in sim.Qpos) state[offset++] = StateWords.FromDouble(value);
        foreach (double value in sim.Qvel) state[offset++] = StateWords.FromDouble(value);
        foreach (double value in sim.Act) state[offset++] = StateWords.FromDouble(value);
        foreach (double value in sim.QaccWarmstart) state[offset++] = StateWords.FromDouble(value);
        state[offset++] = StateWords.FromDouble(sim.Time);
        state[offset++] = StateWords.FromDouble(_xBefore);
        StateWords.WriteRng(state[offset..], _rng);
    }

    public void RestoreState(ReadOnlySpan<long> state)
    {
        StateWords.CheckLength(state.Length, StateLength, Name);
        MjSimulation sim = Simulation;
        int offset = 0;
        offset = Read(state, offset, sim.Qpos);
        offset = Read(state, offset, sim.Qvel);
        offset = Read(state, offset, sim.Act);
        int warmstart = offset;
        offset += sim.Nv;
        sim.Time = StateWords.ToDouble(state[offset++]);
        _xBefore = StateWords.ToDouble(state[offset++]);
        StateWords.ReadRng(state[offset..], _rng);
        // Body positions and contacts follow the restored state; mj_forward overwrites the warm start, so it goes back after.
        sim.Forward();
        Read(state, warmstart, sim.QaccWarmstart);
    }

    public void Dispose()
    {
        Simulation.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The x coordinate whose change over a step is the forward velocity (Gymnasium's x_position).</summary>
    protected virtual double PositionX() => Simulation.Qpos[0];

    /// <summary>Velocity noise at reset; uniform like the positions unless a task says otherwise.</summary>
    protected virtual double VelocityNoise() => Uniform();

    /// <summary>The reward's parts and whether the task ended, after the physics has stepped.</summary>
    protected abstract (RewardTerms Terms, bool Terminated) Score(double xVelocity, double squaredAction);

    protected abstract void WriteObservation(Span<float> observation);

    /// <summary>Uniform in [-ResetNoiseScale, ResetNoiseScale).</summary>
    protected double Uniform() => ResetNoiseScale * (2 * _rng.NextDouble() - 1);

    protected double Gaussian() => ResetNoiseScale * _rng.NextGaussian();

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> as floats; returns the next free index.</summary>
    protected static int Put(Span<float> destination, int offset, ReadOnlySpan<double> source)
    {
        for (int i = 0; i < source.Length; i++) destination[offset + i] = (float)source[i];
        return offset + source.Length;
    }

    /// <summary>As <see cref="Put"/>, each value clipped to ±<paramref name="bound"/>.</summary>
    protected static int PutClipped(Span<float> destination, int offset, ReadOnlySpan<double> source, double bound)
    {
        for (int i = 0; i < source.Length; i++) destination[offset + i] = (float)Math.Clamp(source[i], -bound, bound);
        return offset + source.Length;
    }

    private static int Read(ReadOnlySpan<long> state, int offset, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = StateWords.ToDouble(state[offset + i]);
        return offset + destination.Length;
    }

    private void CheckObservation(Span<float> observation)
    {
        if (observation.Length != ObservationSpace.Dimension)
            throw new ArgumentException($"{Name} writes {ObservationSpace.Dimension} observation values, got a span of {observation.Length}");
    }
}
