namespace SoftQDistributed.Learner.Training;

/// <summary>
/// <c>metrics.csv</c>, one row per epoch, and the epochs in memory for the learning curve. A resumed run keeps
/// the rows up to its checkpoint (later ones are trained again) and rewrites the file from them.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    public const string FileName = "metrics.csv";
    private readonly StreamWriter _writer;
    private readonly List<EpochMetrics> _epochs;

    private MetricsLog(StreamWriter writer, List<EpochMetrics> epochs)
    {
        _writer = writer;
        _epochs = epochs;
    }

    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>Starts <c>metrics.csv</c> in <paramref name="directory"/>, keeping the old rows <paramref name="keep"/> accepts (none when null).</summary>
    public static MetricsLog Open(string directory, Func<EpochMetrics, bool>? keep)
    {
        string path = Path.Combine(directory, FileName);
        List<EpochMetrics> epochs = keep is null ? [] : Read(path, keep);
        var writer = new StreamWriter(path, append: false);
        writer.WriteLine(EpochMetrics.Header);
        foreach (EpochMetrics epoch in epochs) writer.WriteLine(epoch.ToCsv());
        writer.Flush();
        return new MetricsLog(writer, epochs);
    }

    /// <summary>The rows of <paramref name="directory"/>'s <c>metrics.csv</c>, read only.</summary>
    public static IReadOnlyList<EpochMetrics> ReadAll(string directory) => Read(Path.Combine(directory, FileName), _ => true);

    public void Append(EpochMetrics epoch)
    {
        _epochs.Add(epoch);
        _writer.WriteLine(epoch.ToCsv());
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();

    private static List<EpochMetrics> Read(string path, Func<EpochMetrics, bool> keep)
    {
        if (!File.Exists(path)) return [];
        var epochs = new List<EpochMetrics>();
        int unreadable = 0;
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            try
            {
                EpochMetrics epoch = EpochMetrics.Parse(line);
                if (keep(epoch)) epochs.Add(epoch);
            }
            catch (FormatException)
            {
                unreadable++;
            }
        }
        if (unreadable > 0) Console.Error.WriteLine($"warning: dropped {unreadable} unreadable rows of {path}");
        return epochs;
    }
}
