namespace SoftQDistributed.Learner.Training;

/// <summary>Averages of the update statistics over an epoch (skipped updates are left out).</summary>
public sealed class UpdateStatistics
{
    private long _count;
    private double _qMean, _qStd, _bellman, _loss, _surrogate;

    public void Add(UpdateResult result)
    {
        if (result.Skipped) return;
        _count++;
        _qMean += result.QMean;
        _qStd += result.QStd;
        _bellman += result.MeanSquaredBellmanError;
        _loss += result.QLoss;
        _surrogate += result.PolicySurrogate;
    }

    public double QMean => Average(_qMean);
    public double QStd => Average(_qStd);
    public double BellmanError => Average(_bellman);
    public double QLoss => Average(_loss);
    public double Surrogate => Average(_surrogate);

    /// <summary>The count and the five sums, for a checkpoint taken mid-epoch; <see cref="From"/> restores them exactly.</summary>
    public double[] ToArray() => [_count, _qMean, _qStd, _bellman, _loss, _surrogate];

    public static UpdateStatistics From(ReadOnlySpan<double> values) => new()
    {
        _count = (long)values[0], _qMean = values[1], _qStd = values[2], _bellman = values[3], _loss = values[4], _surrogate = values[5],
    };

    private double Average(double sum) => _count == 0 ? double.NaN : sum / _count;
}
