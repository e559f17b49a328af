using System.Globalization;
using System.Text;

namespace SoftQDistributed.Learner.Training;

/// <summary>
/// One epoch's row of metrics.csv: the reference's metrics plus throughput. A figure without a value (Q statistics
/// of an epoch before the first update, returns when no evaluation episode ran) is an empty field, not NaN.
/// </summary>
public sealed record EpochMetrics(
    int Epoch, long EnvSteps, long Updates, long Episodes,
    double ReturnAverage, double ReturnMin, double ReturnMax, double ReturnStd, double EpisodeLength,
    double QAverage, double QStd, double MeanSquaredBellmanError, double QLoss, double PolicySurrogate,
    int ReplaySize, long TotalSamples, double TrainSeconds, double SampleSeconds, double EvalSeconds,
    double UpdatesPerSecond, long SkippedUpdates)
{
    public const string Header =
        "epoch,env_steps,updates,episodes,return_avg,return_min,return_max,return_std,episode_length_avg," +
        "q_avg,q_std,mean_sq_bellman_error,q_loss,policy_surrogate,replay_size,total_samples," +
        "train_seconds,sample_seconds,eval_seconds,updates_per_second,skipped_updates";

    /// <summary>The row for an epoch that ends now: counters from the update step, statistics averaged over the epoch.</summary>
    public static EpochMetrics From(int epoch, long envSteps, SoftQUpdate update, long episodes, EvaluationResult eval, UpdateStatistics stats,
        int replaySize, int batchSize, double trainSeconds, double sampleSeconds, double evalSeconds, double updatesPerSecond) =>
        new(epoch, envSteps, update.Updates, episodes,
            eval.MeanReturn, eval.MinReturn, eval.MaxReturn, eval.StdReturn, eval.MeanLength,
            stats.QMean, stats.QStd, stats.BellmanError, stats.QLoss, stats.Surrogate,
            replaySize, update.Updates * batchSize, trainSeconds, sampleSeconds, evalSeconds, updatesPerSecond, update.SkippedUpdates);

    /// <summary>Reads a row written by <see cref="ToCsv"/> (a resumed run plots the epochs before it too).</summary>
    public static EpochMetrics Parse(string line)
    {
        string[] f = line.Split(',');
        if (f.Length != 21) throw new FormatException($"metrics row has {f.Length} fields, expected 21");
        CultureInfo c = CultureInfo.InvariantCulture;
        double D(int i) => f[i].Length == 0 ? double.NaN : double.Parse(f[i], c);
        long L(int i) => long.Parse(f[i], c);
        return new EpochMetrics((int)L(0), L(1), L(2), L(3), D(4), D(5), D(6), D(7), D(8), D(9), D(10), D(11), D(12), D(13),
            (int)L(14), L(15), D(16), D(17), D(18), D(19), L(20));
    }

    public string ToCsv()
    {
        var line = new StringBuilder();
        foreach (object value in new object[]
        {
            Epoch, EnvSteps, Updates, Episodes, ReturnAverage, ReturnMin, ReturnMax, ReturnStd, EpisodeLength,
            QAverage, QStd, MeanSquaredBellmanError, QLoss, PolicySurrogate, ReplaySize, TotalSamples,
            TrainSeconds, SampleSeconds, EvalSeconds, UpdatesPerSecond, SkippedUpdates,
        })
        {
            if (line.Length > 0) line.Append(',');
            line.Append(value switch
            {
                double d when double.IsNaN(d) => "", // no value yet (no update, no evaluation episode): an empty field
                double d => d.ToString("G6", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            });
        }
        return line.ToString();
    }
}
