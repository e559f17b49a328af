using System.Buffers.Binary;
using SoftQDistributed.Learner.Training;
using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Tests.Training;

/// <summary>A checkpoint with one byte flipped in any tensor is refused by resume and evaluate, in one line naming the file and the tensor.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CheckpointDamageTests(TinyRun run) : IClassFixture<TinyRun>
{
    [Theory]
    [InlineData("replay_observations", 0.0)]
    [InlineData("replay_observations", 0.5)]
    [InlineData("replay_actions", 1.0)]
    [InlineData("replay_rewards", 0.3)]
    [InlineData("replay_next_observations", 1.0)]
    [InlineData("replay_terminals", 0.7)]
    [InlineData("q", 0.5)]
    [InlineData("policy", 0.0)]
    [InlineData("adam_q_v", 1.0)]
    [InlineData("counters", 0.0)]
    [InlineData("actor0_envs", 0.5)]
    public void A_flipped_byte_is_refused_on_resume_and_evaluate_and_nothing_is_changed(string tensor, double where)
    {
        using var temp = new TestDirectory();
        run.CopyTo(temp.Path);
        string checkpoint = Path.Combine(temp.Path, TrainingCheckpoint.FileName);
        FlipByte(checkpoint, tensor, where);
        string[] before = TinyRun.Contents(temp.Path);
        string refusal = $"error: Checkpoint {checkpoint}: tensor \"{tensor}\" fails its CRC-32C check (damaged file)";

        (int exitCode, string output, string error) = LearnerEntryPoint.Run("train", "--resume", temp.Path, "--env-steps", "300");
        Assert.Equal(2, exitCode);
        Assert.Equal(refusal, error.TrimEnd());
        Assert.Empty(output);
        Assert.Equal(before, TinyRun.Contents(temp.Path));

        (exitCode, output, error) = LearnerEntryPoint.Run("evaluate", "--checkpoint", checkpoint, "--episodes", "1");
        Assert.Equal(2, exitCode);
        Assert.Equal(refusal, error.TrimEnd());
        Assert.Empty(output);
    }

    [Fact]
    public void A_damaged_policy_file_is_refused_by_evaluate()
    {
        using var temp = new TestDirectory();
        run.CopyTo(temp.Path);
        string policy = Path.Combine(temp.Path, TrainingCheckpoint.PolicyFileName);
        FlipByte(policy, "policy", 0.9);

        (int exitCode, _, string error) = LearnerEntryPoint.Run("evaluate", "--checkpoint", temp.Path, "--episodes", "1");
        Assert.Equal(2, exitCode);
        Assert.Equal($"error: Checkpoint {policy}: tensor \"policy\" fails its CRC-32C check (damaged file)", error.TrimEnd());
    }

    [Fact]
    public void An_undamaged_checkpoint_resumes_and_evaluate_names_the_file_it_read()
    {
        using var temp = new TestDirectory();
        run.CopyTo(temp.Path);

        (int exitCode, _, string error) = LearnerEntryPoint.Run("train", "--resume", temp.Path, "--env-steps", "300");
        Assert.True(exitCode == 0, error);
        Assert.Contains($"resumed from {Path.Combine(temp.Path, TrainingCheckpoint.FileName)} at 200 env steps", error);

        (exitCode, string output, error) = LearnerEntryPoint.Run("evaluate", "--checkpoint", temp.Path, "--episodes", "1");
        Assert.True(exitCode == 0, error);
        Assert.Contains($"evaluate: policy from {Path.Combine(temp.Path, TrainingCheckpoint.PolicyFileName)}, on multigoal\n", error);
        Assert.Contains("\"eval\"", output);
    }

    /// <summary>Flips every bit of one byte of <paramref name="tensor"/>, at the fraction <paramref name="where"/> of its length.</summary>
    private static void FlipByte(string path, string tensor, double where)
    {
        byte[] bytes = File.ReadAllBytes(path);
        TensorInfo info = SafetensorsFile.Parse(bytes, path).Info(tensor);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        long position = dataStart + info.Begin + (long)((info.End - info.Begin - 1) * where);
        bytes[position] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }
}
