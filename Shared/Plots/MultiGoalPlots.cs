using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// The two MultiGoal figures of the paper and the reference code: evaluation rollouts over the goal-cost
/// landscape with the goals marked, and Q-value contours over the action square at a few states with
/// policy samples on top.
/// </summary>
public static class MultiGoalPlots
{
    /// <summary>The states of the reference's Q-value panels.</summary>
    public static readonly (double X, double Y)[] QStates = [(-2.5, 0), (0, 0), (2.5, 2.5)];

    public const string RolloutColor = "#1a2f6b";
    public const string GoalColor = "#e02020";
    public const string SampleColor = "#d62020";

    /// <summary>
    /// Rollout paths (positions visited, starting state included) over the goal-cost contours of
    /// <paramref name="goals"/> (indices into <see cref="MultiGoal.GoalX"/>; all four if null), those goals marked.
    /// </summary>
    public static FieldFigure Rollouts(IReadOnlyList<(double[] X, double[] Y)> rollouts, string title = "MultiGoal: evaluation rollouts",
        IReadOnlyList<int>? goals = null)
    {
        goals ??= MultiGoal.AllGoals;
        double[] goalX = [.. goals.Select(g => (double)MultiGoal.GoalX[g])];
        double[] goalY = [.. goals.Select(g => (double)MultiGoal.GoalY[g])];
        double bound = MultiGoal.PositionBound;
        var panel = new FieldPanel($"{rollouts.Count} episodes", -bound, bound, -bound, bound, (x, y) => MultiGoal.GoalCost(x, y, goals))
        {
            XLabel = "position x",
            YLabel = "position y",
            FieldLabel = "goal cost min_g ||s - g||²",
            LevelCount = 12,
            Paths = [new PathsOverlay("evaluation rollout", rollouts, RolloutColor)],
            Points = [new PointsOverlay("goal", goalX, goalY, GoalColor) { Radius = 7, Stroke = "#000000", Opacity = 1 }],
        };
        return new FieldFigure(title, [panel]) { PanelSize = 460 };
    }

    /// <summary>
    /// One panel per state: <c>q(stateIndex, ax, ay)</c> over the action square [-1, 1]², with the policy's
    /// sampled actions at that state (<paramref name="sampleX"/>[stateIndex], <paramref name="sampleY"/>[stateIndex]).
    /// </summary>
    public static FieldFigure QContours(
        IReadOnlyList<(double X, double Y)> states,
        Func<int, double, double, double> q,
        IReadOnlyList<double[]> sampleX,
        IReadOnlyList<double[]> sampleY,
        string title = "MultiGoal: Q(s, a) over the action square, with policy samples")
    {
        if (sampleX.Count != states.Count || sampleY.Count != states.Count)
            throw new ArgumentException($"need one set of samples per state: {states.Count} states, {sampleX.Count} x sets, {sampleY.Count} y sets");
        var panels = new FieldPanel[states.Count];
        for (int s = 0; s < states.Count; s++)
        {
            int stateIndex = s;
            panels[s] = new FieldPanel(
                $"s = ({LinearScale.FormatTick(states[s].X, 0.1)}, {LinearScale.FormatTick(states[s].Y, 0.1)})",
                -1, 1, -1, 1, (ax, ay) => q(stateIndex, ax, ay))
            {
                XLabel = "action x",
                YLabel = "action y",
                FieldLabel = "Q(s, a)",
                Resolution = 60,
                Points = [new PointsOverlay("policy sample", sampleX[s], sampleY[s], SampleColor)],
            };
        }
        return new FieldFigure(title, panels) { PanelSize = 300 };
    }
}
