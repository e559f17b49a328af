using System.Security.Cryptography;

namespace SoftQDistributed.Tests.Training;

/// <summary>A finished MultiGoal run made once through <c>train</c>, small enough to take seconds; tests work on copies.</summary>
public sealed class TinyRun : IDisposable
{
    /// <summary>Small networks, a short budget, one evaluation episode: a few seconds of training.</summary>
    public static readonly string[] Settings = ["--env", "multigoal", "--seed", "3", "--env-steps", "200", "--epoch-length", "100",
        "--eval-episodes", "1", "--eval-episodes-per-epoch", "1", "--min-replay-size", "50", "--batch-size", "16", "--hidden", "16,16",
        "--svgd-particles", "4", "--value-particles", "4", "--threads", "1", "--backend", "managed"];

    private readonly TestDirectory _directory = new();

    public TinyRun()
    {
        (int exitCode, _, string error) = LearnerEntryPoint.Run(["train", "--out", _directory.Path, .. Settings]);
        if (exitCode != 0) throw new InvalidOperationException($"the tiny run failed: {error}");
    }

    /// <summary>Copies the run's files into <paramref name="directory"/>.</summary>
    public void CopyTo(string directory)
    {
        foreach (string file in Directory.GetFiles(_directory.Path))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
    }

    /// <summary>Every file in <paramref name="directory"/> by name and SHA-256, to show nothing was changed, added or removed.</summary>
    public static string[] Contents(string directory) =>
        [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal)
            .Select(file => $"{Path.GetFileName(file)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))}")];

    public void Dispose() => _directory.Dispose();
}
