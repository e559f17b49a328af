using SoftQDistributed.Learner.Training;

namespace SoftQDistributed.Tests.Training;

public sealed class EpochMetricsTests
{
    [Fact]
    public void A_csv_row_reads_back_as_the_same_epoch()
    {
        var epoch = new EpochMetrics(3, 400, 301, 12, -212.5, -399.75, -141.5, 52.25, 14.5, -9.5, 1.25, 0.0625, 0.03125, 2.5,
            400, 19264, 1.5, 0.25, 0.125, 355.5, 1);
        Assert.Equal(epoch, EpochMetrics.Parse(epoch.ToCsv()));
        Assert.Equal(EpochMetrics.Header.Split(',').Length, epoch.ToCsv().Split(',').Length);
        Assert.Throws<FormatException>(() => EpochMetrics.Parse("1,2,3"));
    }

    [Fact]
    public void A_figure_without_a_value_is_an_empty_field_and_reads_back_as_NaN()
    {
        var epoch = new EpochMetrics(0, 100, 0, 3, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN,
            double.NaN, double.NaN, double.NaN, 100, 0, 0, 0.25, 0, 0, 0);
        string row = epoch.ToCsv();
        Assert.DoesNotContain("NaN", row);
        Assert.StartsWith("0,100,0,3,,,", row);
        Assert.Equal(epoch, EpochMetrics.Parse(row));
    }
}
