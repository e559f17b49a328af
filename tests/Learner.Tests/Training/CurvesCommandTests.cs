using System.Globalization;
using System.Text.Json;

namespace SoftQDistributed.Tests.Training;

/// <summary><c>curves</c>: groups of runs averaged into learning curves on one plot, read without touching the runs.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CurvesCommandTests(TinyRun run) : IClassFixture<TinyRun>
{
    [Fact]
    public void Each_group_is_the_mean_of_its_runs_and_the_runs_are_left_as_they_were()
    {
        using var temp = new TestDirectory();
        string a = Directory.CreateDirectory(Path.Combine(temp.Path, "a")).FullName;
        string b = Directory.CreateDirectory(Path.Combine(temp.Path, "b")).FullName;
        run.CopyTo(a);
        run.CopyTo(b);
        // b's returns are a's plus 10, so the two-run group's mean is a's plus 5.
        string[] rows = File.ReadAllLines(Path.Combine(a, "metrics.csv"));
        int column = Array.IndexOf(rows[0].Split(','), "return_avg");
        File.WriteAllLines(Path.Combine(b, "metrics.csv"), rows.Select((row, i) => i == 0 ? row : Shifted(row, column, 10)));
        string[] before = TinyRun.Contents(a);
        string figure = Path.Combine(temp.Path, "curves.svg");

        (int exitCode, string output, string error) = LearnerEntryPoint.Run("curves", "--group", $"one={a}", "--group", $"two={a},{b}", "--out", figure, "--title", "check");
        Assert.True(exitCode == 0, error);
        using JsonDocument json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
        JsonElement[] groups = [.. json.RootElement.GetProperty("groups").EnumerateArray()];
        double[] one = [.. groups[0].GetProperty("mean_return").EnumerateArray().Select(v => v.GetDouble())];
        double[] two = [.. groups[1].GetProperty("mean_return").EnumerateArray().Select(v => v.GetDouble())];
        Assert.Equal(rows.Length - 1, one.Length);
        Assert.All(one.Zip(two), p => Assert.Equal(p.First + 5, p.Second, 0.011));
        string svg = File.ReadAllText(figure);
        Assert.Contains("two, mean of 2", svg);
        Assert.Contains("min–max", svg);
        Assert.Equal(before, TinyRun.Contents(a));
    }

    [Theory]
    [InlineData("no-label", "is not of the form label=run1,run2")]
    [InlineData("x=/nonexistent/run", "/nonexistent/run holds no metrics.csv")]
    public void A_bad_group_is_one_line_and_exit_code_2(string group, string expected)
    {
        using var temp = new TestDirectory();
        (int exitCode, _, string error) = LearnerEntryPoint.Run("curves", "--group", group, "--out", Path.Combine(temp.Path, "c.svg"));
        Assert.Equal(2, exitCode);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    private static string Shifted(string row, int column, double by)
    {
        string[] cells = row.Split(',');
        cells[column] = (double.Parse(cells[column], CultureInfo.InvariantCulture) + by).ToString("R", CultureInfo.InvariantCulture);
        return string.Join(',', cells);
    }
}
