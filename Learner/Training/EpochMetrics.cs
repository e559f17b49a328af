using System.Globalization;
using System.Text;

namespace SoftQDistributed.Learner.Training;

/// <summary>One epoch's row of metrics.csv: the reference's metrics plus throughput.</summary>
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
                double d => d.ToString("G6", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            });
        }
        return line.ToString();
    }
}
