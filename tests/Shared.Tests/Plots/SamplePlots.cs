using SoftQDistributed.Shared.Environments;
using SoftQDistributed.Shared.Plots;

namespace SoftQDistributed.Shared.Tests.Plots;

/// <summary>One figure of each kind, built from small deterministic data, for the plot tests.</summary>
internal static class SamplePlots
{
    public static LineChart LearningCurve()
    {
        double[] steps = [1000, 2000, 3000, 4000, 5000, 6000];
        double[] mean = [-900, -700, double.NaN, -400, -250, -180];
        return new LineChart("Pendulum & <friends>", "environment steps", "mean episode return",
        [
            new LineSeries("training return", steps, mean)
            {
                BandLower = [.. mean.Select(m => m - 50)],
                BandUpper = [.. mean.Select(m => m + 50)],
                BandLabel = "min–max",
            },
            new LineSeries("evaluation return", steps, [-950, -650, -500, -380, -240, -150]) { Dashed = true },
        ]);
    }

    public static FieldFigure Rollouts(IReadOnlyList<int>? goals = null)
    {
        (double[], double[])[] paths =
        [
            ([0, 1, 2, 3, 4.2], [0, 0.1, 0, -0.1, 0]),
            ([0, -1, -2, -3, -4.5], [0, 0, 0.2, 0.1, 0]),
            ([0, 0.1, 0, 0, 0], [0, 1, 2, 3.5, 4.4]),
        ];
        return MultiGoalPlots.Rollouts(paths, goals: goals);
    }

    public static FieldFigure QContours()
    {
        var states = MultiGoalPlots.QStates;
        double Q(int s, double ax, double ay) =>
            -(30 * (ax * ax + ay * ay) + MultiGoal.GoalCost(states[s].X + ax, states[s].Y + ay)) / 10;
        var xs = new List<double[]>();
        var ys = new List<double[]>();
        for (int s = 0; s < states.Length; s++)
        {
            xs.Add([.. Enumerable.Range(0, 100).Select(k => Math.Sin(k + s))]);
            ys.Add([.. Enumerable.Range(0, 100).Select(k => Math.Cos(1.7 * k + s))]);
        }
        return MultiGoalPlots.QContours(states, Q, xs, ys);
    }
}
