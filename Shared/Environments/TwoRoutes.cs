using SoftQDistributed.Shared.Numerics;

namespace SoftQDistributed.Shared.Environments;

/// <summary>
/// A 2-D point mass that must get round a wall to reach its goal, by one of two equally good routes: the
/// exploration task (in the spirit of Haarnoja et al. 2017, section 5.2) on which an energy-based policy keeps both
/// routes and a deterministic one commits to one. MultiGoal's dynamics: a velocity action in [-1, 1]², the
/// position <c>s' = clip(s + a, -7, 7)</c>, no noise; a move whose segment would cross the wall
/// <c>|x| ≤ 1, |y| ≤ 3</c> is refused (the mass stays). The start is <c>(-5, 0) + N(0, 0.1² I)</c>, straight in
/// front of the wall's middle; the goal is (5, 0) behind it. Reward <c>-(30 ||a||² + 5 d(s', goal))</c> with d the
/// shortest path round the wall (MultiGoal's action cost; its squared distance would make the far start's costs
/// dwarf everything else), plus 10 and the end of the episode within distance 1 of the goal. Horizon 50.
/// Both routes (above the wall, below it) are equally long, so the task is symmetric about y = 0.
/// <c>tworoutes:start_sigma=S</c> draws the start with N(0, S²) instead; <c>start_sigma=0</c> starts every episode at
/// (-5, 0), where a deterministic policy can take only one route.
/// </summary>
public sealed class TwoRoutes(float startSigma) : IEnvironment
{
    public const int Horizon = 50;
    public const float PositionBound = 7f;
    public const float ActionBound = 1f;
    public const float ActionCostCoefficient = 30f;
    public const float DistanceCostCoefficient = 5f;
    public const float GoalReward = 10f;
    public const float GoalThreshold = 1f;
    public const float InitialSigma = 0.1f;
    public const float StartX = -5f;
    public const float GoalX = 5f;
    public const float WallHalfWidth = 1f;
    public const float WallHalfHeight = 3f;

    /// <summary>The route an episode took, in the order route counts are reported.</summary>
    public const int Upper = 0, Lower = 1, RouteCount = 2;

    private readonly Rng _rng = new(0);
    private float _x;
    private float _y;

    public TwoRoutes() : this(InitialSigma)
    {
    }

    /// <summary>The standard deviation of the start's noise on each coordinate.</summary>
    public float StartSigma { get; } = startSigma >= 0 && float.IsFinite(startSigma) ? startSigma
        : throw new ArgumentOutOfRangeException(nameof(startSigma), startSigma, "the start's noise is a finite, non-negative standard deviation");

    /// <summary>The variant after the colon of <c>tworoutes:start_sigma=S</c>.</summary>
    public static TwoRoutes FromOptions(string options)
    {
        double sigma = InitialSigma;
        TaskOptions.Apply(options, "TwoRoutes takes start_sigma=S (a non-negative number)",
            (key, value) => key == "start_sigma" && TaskOptions.TryWeight(value, out sigma));
        return new TwoRoutes((float)sigma);
    }

    public string Name => "tworoutes";
    public BoxSpace ObservationSpace { get; } = BoxSpace.Uniform(2, -PositionBound, PositionBound);
    public BoxSpace ActionSpace { get; } = BoxSpace.Uniform(2, -ActionBound, ActionBound);
    public int MaxEpisodeSteps => Horizon;
    public int StateLength => PointMassWords.Length;

    public void Reset(ulong seed, Span<float> observation)
    {
        _rng.State = new Rng(seed).State;
        Reset(observation);
    }

    public void Reset(Span<float> observation)
    {
        _x = StartX + (float)(StartSigma * _rng.NextGaussian());
        _y = (float)(StartSigma * _rng.NextGaussian());
        observation[0] = _x;
        observation[1] = _y;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> nextObservation)
    {
        if (action.Length != 2) throw new ArgumentException($"TwoRoutes takes 2 action values, got {action.Length}");
        float ax = Math.Clamp(action[0], -ActionBound, ActionBound);
        float ay = Math.Clamp(action[1], -ActionBound, ActionBound);
        float x = Math.Clamp(_x + ax, -PositionBound, PositionBound);
        float y = Math.Clamp(_y + ay, -PositionBound, PositionBound);
        if (!CrossesWall(_x, _y, x, y)) (_x, _y) = (x, y);
        nextObservation[0] = _x;
        nextObservation[1] = _y;

        double distance = DistanceToGoal(_x, _y);
        double reward = -(ActionCostCoefficient * ((double)ax * ax + (double)ay * ay) + DistanceCostCoefficient * distance);
        bool atGoal = AtGoal(_x, _y);
        if (atGoal) reward += GoalReward;
        return new StepResult((float)reward, Terminated: atGoal, Truncated: false);
    }

    public static bool AtGoal(double x, double y) => (x - GoalX) * (x - GoalX) + y * y < GoalThreshold * GoalThreshold;

    /// <summary>
    /// The route a position is on: <see cref="Upper"/> or <see cref="Lower"/> when level with the wall (|x| ≤ 1, so
    /// above or below it), -1 elsewhere. An episode's route is that of its first position level with the wall.
    /// </summary>
    public static int RouteAt(float x, float y) => Math.Abs(x) > WallHalfWidth ? -1 : y > 0 ? Upper : Lower;

    /// <summary>
    /// Length of the shortest path from (x, y) to the goal that does not cross the wall: straight where the wall is
    /// not in the way, otherwise round its corners (a shortest path round a convex obstacle bends only there).
    /// </summary>
    public static double DistanceToGoal(double x, double y)
    {
        Span<double> nodeX = [x, -WallHalfWidth, WallHalfWidth, WallHalfWidth, -WallHalfWidth, GoalX];
        Span<double> nodeY = [y, WallHalfHeight, WallHalfHeight, -WallHalfHeight, -WallHalfHeight, 0];
        Span<double> best = [0, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity];
        // Bellman-Ford over six nodes: five rounds settle every shortest path.
        for (int round = 0; round < nodeX.Length - 1; round++)
            for (int from = 0; from < nodeX.Length; from++)
            {
                if (double.IsPositiveInfinity(best[from])) continue;
                for (int to = 1; to < nodeX.Length; to++)
                {
                    if (to == from || CrossesWall(nodeX[from], nodeY[from], nodeX[to], nodeY[to])) continue;
                    double length = best[from] + Math.Sqrt((nodeX[to] - nodeX[from]) * (nodeX[to] - nodeX[from]) + (nodeY[to] - nodeY[from]) * (nodeY[to] - nodeY[from]));
                    if (length < best[to]) best[to] = length;
                }
            }
        return best[^1];
    }

    /// <summary>
    /// Whether the segment from (x0, y0) to (x1, y1) passes through the wall's interior (Liang-Barsky clipping); a
    /// segment along the wall's edge or touching a corner does not.
    /// </summary>
    public static bool CrossesWall(double x0, double y0, double x1, double y1)
    {
        const double inset = 1e-6;
        double enter = 0, leave = 1;
        double dx = x1 - x0, dy = y1 - y0;
        return Clip(-dx, x0 - (-WallHalfWidth + inset)) && Clip(dx, WallHalfWidth - inset - x0)
            && Clip(-dy, y0 - (-WallHalfHeight + inset)) && Clip(dy, WallHalfHeight - inset - y0)
            && enter < leave;

        bool Clip(double p, double q)
        {
            if (p == 0) return q >= 0;
            double t = q / p;
            if (p < 0) enter = Math.Max(enter, t);
            else leave = Math.Min(leave, t);
            return enter <= leave;
        }
    }

    public void SaveState(Span<long> state) => PointMassWords.Write(state, _x, _y, _rng, Name);

    public void RestoreState(ReadOnlySpan<long> state) => (_x, _y) = PointMassWords.Read(state, _rng, Name);
}
