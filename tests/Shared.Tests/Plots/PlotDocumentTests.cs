using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using SoftQDistributed.Shared.Plots;

namespace SoftQDistributed.Shared.Tests.Plots;

public sealed class PlotDocumentTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly string[] NumericAttributes = ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "font-size", "stroke-width"];

    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private XDocument SaveAndParse(string name, Action<string> save)
    {
        string path = Path.Combine(_directory.Path, name);
        save(path);
        XDocument document = XDocument.Load(path);
        Assert.Equal(Svg + "svg", document.Root!.Name);
        foreach (XElement element in document.Descendants())
        {
            foreach (string attribute in NumericAttributes)
            {
                string? value = (string?)element.Attribute(attribute);
                if (value is not null)
                    Assert.True(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _), $"<{element.Name.LocalName} {attribute}=\"{value}\"> is not an invariant number");
            }
        }
        return document;
    }

    private static IEnumerable<XElement> All(XDocument document, string name) => document.Descendants(Svg + name);

    private static string[] Texts(XDocument document) => [.. All(document, "text").Select(t => t.Value)];

    [Fact]
    public void Learning_curve_has_title_axis_labels_legend_band_and_a_gap_at_missing_values()
    {
        XDocument document = SaveAndParse("learning_curve.svg", SamplePlots.LearningCurve().Save);

        string[] texts = Texts(document);
        Assert.Contains("Pendulum & <friends>", texts);
        Assert.Contains("environment steps", texts);
        Assert.Contains("mean episode return", texts);
        Assert.Contains("training return", texts);
        Assert.Contains("min–max", texts);
        Assert.Contains("evaluation return", texts);
        Assert.Contains("6000", texts);
        Assert.Equal(2, All(document, "polygon").Count()); // the band, split at the NaN
        Assert.Equal(2, All(document, "polyline").Count()); // the training line, split at the NaN
        Assert.Single(All(document, "path"), p => (string?)p.Attribute("stroke-dasharray") == "6 4");
    }

    [Fact]
    public void Rollout_figure_has_cost_bands_contours_paths_goals_and_colour_bar()
    {
        XDocument document = SaveAndParse("rollouts.svg", SamplePlots.Rollouts().Save);

        string[] texts = Texts(document);
        Assert.Contains("MultiGoal: evaluation rollouts", texts);
        Assert.Contains("position x", texts);
        Assert.Contains("position y", texts);
        Assert.Contains("evaluation rollout", texts);
        Assert.Contains("goal", texts);
        Assert.Contains("goal cost min_g ||s - g||²", texts);
        Assert.Equal(3, All(document, "polyline").Count());
        Assert.Equal(4 + 1, All(document, "circle").Count()); // four goals and the legend's marker
        Assert.True(All(document, "rect").Count() > 100, "the landscape is drawn as colour cells");
        Assert.True(All(document, "path").Count() >= 5, "contour lines are drawn");
        Assert.Single(All(document, "clipPath"));
    }

    [Fact]
    public void A_rollout_with_undefined_positions_is_drawn_with_gaps_and_nothing_reaches_the_corner()
    {
        // A diverged policy's NaN positions must not become lines to pixel (0, 0): each path is split at them.
        (double[], double[])[] paths = [([0, 1, double.NaN, 3, 4], [0, 1, 2, 3, 4]), ([double.NaN, 1, 2], [0, double.PositiveInfinity, 2])];
        XDocument document = SaveAndParse("rollouts-nan.svg", MultiGoalPlots.Rollouts(paths).Save);

        string[] polylines = [.. All(document, "polyline").Select(p => (string)p.Attribute("points")!)];
        Assert.Equal(["2 points", "2 points", "1 points"], polylines.Select(p => $"{p.Split(' ').Length} points"));
        double[][] points = [.. polylines.SelectMany(p => p.Split(' ')).Select(point => point.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
        Assert.All(points, xy => Assert.True(xy[0] > 0 && xy[1] > 0, $"a point at ({xy[0]}, {xy[1]}) is outside the panel"));
    }

    [Fact]
    public void A_variant_s_rollout_figure_marks_only_its_goals()
    {
        XDocument document = SaveAndParse("rollouts-variant.svg", SamplePlots.Rollouts([0, 2]).Save);
        Assert.Equal(2 + 1, All(document, "circle").Count()); // goals (5, 0) and (0, 5), and the legend's marker
    }

    [Fact]
    public void Q_contour_figure_has_three_panels_with_one_hundred_samples_each()
    {
        XDocument document = SaveAndParse("q_contours.svg", SamplePlots.QContours().Save);

        string[] texts = Texts(document);
        Assert.Contains("s = (-2.5, 0.0)", texts);
        Assert.Contains("s = (0.0, 0.0)", texts);
        Assert.Contains("s = (2.5, 2.5)", texts);
        Assert.Equal(3, texts.Count(t => t == "action x"));
        Assert.Equal(3, texts.Count(t => t == "Q(s, a)"));
        Assert.Contains("policy sample", texts);
        Assert.Equal(300 + 1, All(document, "circle").Count());
        Assert.Equal(3, All(document, "clipPath").Count());
    }

    [Fact]
    public void Mismatched_inputs_are_refused_clearly()
    {
        var chart = new LineChart("t", "x", "y", [new LineSeries("a", [1, 2], [1])]);
        Assert.Contains("2 x values but 1 y values", Assert.Throws<ArgumentException>(() => chart.Render()).Message);
        Assert.Throws<ArgumentException>(() => MultiGoalPlots.QContours(MultiGoalPlots.QStates, (_, _, _) => 0, [[0.0]], [[0.0]]));
    }

    [RsvgConvertFact]
    public void Every_figure_renders_to_png_with_rsvg_convert()
    {
        (string Name, Action<string> Save)[] figures =
        [
            ("learning_curve.svg", SamplePlots.LearningCurve().Save),
            ("rollouts.svg", SamplePlots.Rollouts().Save),
            ("q_contours.svg", SamplePlots.QContours().Save),
        ];
        foreach ((string name, Action<string> save) in figures)
        {
            string svg = Path.Combine(_directory.Path, name);
            string png = Path.ChangeExtension(svg, ".png");
            save(svg);
            var start = new ProcessStartInfo(RsvgConvertFactAttribute.Executable!) { RedirectStandardError = true };
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(png);
            start.ArgumentList.Add(svg);
            using Process process = Process.Start(start)!;
            Task<string> errorText = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"rsvg-convert did not finish {name} within 60 s");
            }
            string errors = errorText.Result;
            Assert.True(process.ExitCode == 0, $"rsvg-convert failed on {name}: {errors}");
            Assert.Equal("", errors);
            byte[] header = File.ReadAllBytes(png)[..8];
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], header);
        }
    }
}
