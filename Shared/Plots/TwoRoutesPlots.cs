using SoftQDistributed.Shared.Environments;

namespace SoftQDistributed.Shared.Plots;

/// <summary>
/// The exploration task's figures: evaluation rollouts over the distance-to-goal landscape, the wall drawn grey
/// (its field is undefined), with the start and the goal marked; and Q over the action square at a few states.
/// </summary>
public static class TwoRoutesPlots
{
    /// <summary>The start, in front of the wall, and above it: where the two routes part and one of them runs.</summary>
    public static readonly (double X, double Y)[] QStates = [(TwoRoutes.StartX, 0), (-2, 0), (0, 5)];

    public static FieldFigure Rollouts(IReadOnlyList<(double[] X, double[] Y)> rollouts, string title = "TwoRoutes: evaluation rollouts")
    {
        double bound = TwoRoutes.PositionBound;
        var panel = new FieldPanel($"{rollouts.Count} episodes", -bound, bound, -bound, bound, Distance)
        {
            XLabel = "position x",
            YLabel = "position y",
            FieldLabel = "shortest distance to the goal round the wall",
            LevelCount = 12,
            Paths = [new PathsOverlay("evaluation rollout", rollouts, MultiGoalPlots.RolloutColor)],
            Points =
            [
                new PointsOverlay("start", [TwoRoutes.StartX], [0], "#ffffff") { Radius = 6, Stroke = "#000000", Opacity = 1 },
                new PointsOverlay("goal", [TwoRoutes.GoalX], [0], MultiGoalPlots.GoalColor) { Radius = 7, Stroke = "#000000", Opacity = 1 },
            ],
        };
        return new FieldFigure(title, [panel]) { PanelSize = 460 };
    }

    private static double Distance(double x, double y) =>
        Math.Abs(x) < TwoRoutes.WallHalfWidth && Math.Abs(y) < TwoRoutes.WallHalfHeight ? double.NaN : TwoRoutes.DistanceToGoal(x, y);
}
