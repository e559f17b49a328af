namespace SoftQDistributed.Learner.Training;

/// <summary>Averages of the update statistics over an epoch (skipped updates are left out).</summary>
public sealed class UpdateStatistics
{
    private int _count;
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

    private double Average(double sum) => _count == 0 ? double.NaN : sum / _count;
}
