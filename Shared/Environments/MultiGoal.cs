using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// The didactic MultiGoal task of Haarnoja et al. (2017): a 2-D point mass in [-7, 7]^2 moved by a velocity
/// action in [-1, 1]^2, with four goals. Follows the reference implementation (haarnoja/softqlearning,
/// <c>environments/multigoal.py</c>): the action is clipped and then used for both the move and the cost;
/// <c>s' = clip(s + a, -7, 7)</c> with no noise; the distance cost is taken at the new position s';
/// reward <c>-(30 ||a||^2 + min_g ||s' - g||^2)</c>, plus 10 and termination when <c>min_g ||s' - g|| &lt; 1</c>
/// (the +10 is added to the cost-bearing reward of that same step); the initial position is
/// <c>N(0, 0.1^2 I)</c> clipped to the box. Horizon 30 steps (the reference's <c>max_path_length</c>).
/// A variant keeps only some goals (<see cref="Goals"/>): the others neither cost, reward nor end an episode; the
/// registry names it <c>multigoal:goals=0,2</c> (<see cref="VariantName"/>), as composition's tasks need.
/// </summary>
public sealed class MultiGoal : IEnvironment
{
    public const int Horizon = 30;
    public const float PositionBound = 7f;
    public const float ActionBound = 1f;
    public const float ActionCostCoefficient = 30f;
    public const float GoalReward = 10f;
    public const float GoalThreshold = 1f;
    public const float InitialSigma = 0.1f;

    /// <summary>Goal positions, in the order that goal counts are reported: (5,0), (-5,0), (0,5), (0,-5).</summary>
    public static ReadOnlySpan<float> GoalX => [5f, -5f, 0f, 0f];

    /// <inheritdoc cref="GoalX"/>
    public static ReadOnlySpan<float> GoalY => [0f, 0f, 5f, -5f];

    public const int GoalCount = 4;

    /// <summary>The option that names a variant's goals: <c>multigoal:goals=0,2</c>.</summary>
    public const string GoalsOption = "goals=";

    public static IReadOnlyList<int> AllGoals { get; } = [0, 1, 2, 3];

    private readonly Rng _rng = new(0);
    private readonly int[] _goals;
    private float _x;
    private float _y;

    /// <summary>All four goals, as the paper's task.</summary>
    public MultiGoal() : this(AllGoals)
    {
    }

    /// <param name="goals">Indices into <see cref="GoalX"/> of the goals this variant keeps; at least one, none twice.</param>
    public MultiGoal(IReadOnlyList<int> goals)
    {
        if (goals.Count == 0) throw new ArgumentException("a MultiGoal variant needs at least one goal");
        foreach (int g in goals)
            if (g is < 0 or >= GoalCount)
                throw new ArgumentException($"goal index {g} is out of range; the goals are 0 (5,0), 1 (-5,0), 2 (0,5), 3 (0,-5)");
        if (goals.Distinct().Count() != goals.Count) throw new ArgumentException($"goals [{string.Join(",", goals)}] name a goal twice");
        _goals = [.. goals.Order()];
    }

    /// <summary>The goals this instance keeps, ascending indices into <see cref="GoalX"/>.</summary>
    public IReadOnlyList<int> Goals => _goals;

    public string Name => "multigoal";
    public BoxSpace ObservationSpace { get; } = BoxSpace.Uniform(2, -PositionBound, PositionBound);
    public BoxSpace ActionSpace { get; } = BoxSpace.Uniform(2, -ActionBound, ActionBound);
    public int MaxEpisodeSteps => Horizon;
    public int StateLength => PointMassWords.Length;

    /// <summary>The registry's name for the variant with <paramref name="goals"/>: <c>multigoal</c> for all four.</summary>
    public static string VariantName(IReadOnlyList<int> goals)
    {
        var variant = new MultiGoal(goals); // checks them
        return variant._goals.SequenceEqual(AllGoals) ? "multigoal" : $"multigoal:{GoalsOption}{string.Join(",", variant._goals)}";
    }

    /// <summary>The variant named by the options after <c>multigoal:</c>, <c>goals=0,2</c>; throws ArgumentException otherwise.</summary>
    public static MultiGoal FromOptions(string options)
    {
        if (!options.StartsWith(GoalsOption, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"MultiGoal takes one option, {GoalsOption}I,J,... (goal indices), not '{options}'");
        string[] parts = options[GoalsOption.Length..].Split(',', StringSplitOptions.TrimEntries);
        var goals = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out goals[i]))
                throw new ArgumentException($"goal '{parts[i]}' is not a goal index (0 to {GoalCount - 1})");
        return new MultiGoal(goals);
    }

    /// <summary>Squared distance from (x, y) to the nearest of all four goals.</summary>
    public static double GoalCost(double x, double y) => GoalCost(x, y, AllGoals);

    /// <summary>Squared distance from (x, y) to the nearest of <paramref name="goals"/>: the distance cost, also the plots' landscape.</summary>
    public static double GoalCost(double x, double y, IReadOnlyList<int> goals)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < goals.Count; i++) // an index loop: no enumerator allocated per step
        {
            int g = goals[i];
            double dx = x - GoalX[g];
            double dy = y - GoalY[g];
            best = Math.Min(best, dx * dx + dy * dy);
        }
        return best;
    }

    /// <summary>
    /// Index (in <see cref="GoalX"/> order) of the goal whose threshold contains <paramref name="position"/>,
    /// or -1 if none. Applied to an episode's final observation it says which goal the episode ended at;
    /// it is the same test that terminates the episode.
    /// </summary>
    public static int GoalIndexAt(ReadOnlySpan<float> position)
    {
        double x = position[0];
        double y = position[1];
        for (int g = 0; g < GoalCount; g++)
        {
            double dx = x - GoalX[g];
            double dy = y - GoalY[g];
            if (dx * dx + dy * dy < GoalThreshold * GoalThreshold) return g;
        }
        return -1;
    }

    public void Reset(ulong seed, Span<float> observation)
    {
        _rng.State = new Rng(seed).State;
        Reset(observation);
    }

    public void Reset(Span<float> observation)
    {
        _x = Math.Clamp((float)(InitialSigma * _rng.NextGaussian()), -PositionBound, PositionBound);
        _y = Math.Clamp((float)(InitialSigma * _rng.NextGaussian()), -PositionBound, PositionBound);
        observation[0] = _x;
        observation[1] = _y;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> nextObservation)
    {
        if (action.Length != 2) throw new ArgumentException($"MultiGoal takes 2 action values, got {action.Length}");
        float ax = Math.Clamp(action[0], -ActionBound, ActionBound);
        float ay = Math.Clamp(action[1], -ActionBound, ActionBound);
        _x = Math.Clamp(_x + ax, -PositionBound, PositionBound);
        _y = Math.Clamp(_y + ay, -PositionBound, PositionBound);
        nextObservation[0] = _x;
        nextObservation[1] = _y;

        double goalCost = GoalCost(_x, _y, _goals);
        double reward = -(ActionCostCoefficient * ((double)ax * ax + (double)ay * ay) + goalCost);
        bool atGoal = goalCost < GoalThreshold * GoalThreshold;
        if (atGoal) reward += GoalReward;
        return new StepResult((float)reward, Terminated: atGoal, Truncated: false);
    }

    public void SaveState(Span<long> state) => PointMassWords.Write(state, _x, _y, _rng, Name);

    public void RestoreState(ReadOnlySpan<long> state) => (_x, _y) = PointMassWords.Read(state, _rng, Name);
}
