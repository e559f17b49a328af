namespace SoftQDistributed.Shared.Checkpoints;

/// <summary>
/// A checkpoint that cannot be used: missing, truncated, malformed or not what the reader asked for.
/// The message is one line that names the file and what is wrong, fit to print as the only error.
/// </summary>
public sealed class CheckpointException : IOException
{
    public CheckpointException(string message) : base(message) { }

    public CheckpointException(string message, Exception inner) : base(message, inner) { }
}
