using System.Runtime.InteropServices;
using Google.Protobuf;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Shared.Proto.Replay;

namespace SoftQDistributed.Shared.Replay;

/// <summary>
/// Converts between <see cref="TransitionBatch"/> and its wire form (float32 little-endian bytes with shapes),
/// and refuses a mis-shaped or non-finite batch whole (<see cref="InvalidBatchException"/>, with a reason tag).
/// </summary>
public static class TransitionCodec
{
    public static Transitions Encode(TransitionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int n = batch.Count;
        var proto = new Transitions
        {
            Observations = Tensor(batch.Observations.AsSpan(0, n * batch.ObsDim), n, batch.ObsDim),
            Actions = Tensor(batch.Actions.AsSpan(0, n * batch.ActDim), n, batch.ActDim),
            Rewards = Tensor(batch.Rewards.AsSpan(0, n), n),
            NextObservations = Tensor(batch.NextObservations.AsSpan(0, n * batch.ObsDim), n, batch.ObsDim),
        };
        for (int i = 0; i < n; i++) proto.Terminals.Add(batch.Terminals[i] != 0f);
        return proto;
    }

    /// <summary>Row count of a wire batch, before decoding it.</summary>
    public static int RowCount(Transitions? proto) => proto?.Rewards is { } r && r.Shape.Count == 1 ? (int)Math.Clamp(r.Shape[0], 0, int.MaxValue) : 0;

    /// <summary>
    /// Checks a wire batch against the expected widths and decodes it into the destination (which must hold its
    /// rows). Nothing is written to the destination unless the whole batch is valid.
    /// </summary>
    public static void Decode(Transitions? proto, int obsDim, int actDim, TransitionBatch destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (proto is null) throw Invalid("missing_field", "request has no batch");
        Tensor obs = Require(proto.Observations, "observations");
        Tensor act = Require(proto.Actions, "actions");
        Tensor rew = Require(proto.Rewards, "rewards");
        Tensor next = Require(proto.NextObservations, "next_observations");

        if (rew.Shape.Count != 1) throw Invalid("bad_shape", $"rewards must have shape [B], got {ShapeText(rew)}");
        long rows = rew.Shape[0];
        if (rows <= 0) throw Invalid("empty_batch", "batch has no rows");
        if (rows > destination.Capacity) throw Invalid("batch_too_large", $"batch of {rows} rows exceeds the limit of {destination.Capacity}");
        CheckMatrix(obs, "observations", rows, obsDim, "wrong_obs_width", "observation");
        CheckMatrix(next, "next_observations", rows, obsDim, "wrong_obs_width", "observation");
        CheckMatrix(act, "actions", rows, actDim, "wrong_act_width", "action");
        if (proto.Terminals.Count != rows)
            throw Invalid("mismatched_batch_lengths", $"terminals has {proto.Terminals.Count} entries but rewards has {rows} rows");
        int n = (int)rows;
        ReadOnlySpan<float> obsData = Floats(obs, n * obsDim, "observations");
        ReadOnlySpan<float> actData = Floats(act, n * actDim, "actions");
        ReadOnlySpan<float> rewData = Floats(rew, n, "rewards");
        ReadOnlySpan<float> nextData = Floats(next, n * obsDim, "next_observations");
        CheckFinite(obsData, "observations", obsDim);
        CheckFinite(actData, "actions", actDim);
        CheckFinite(rewData, "rewards", 1);
        CheckFinite(nextData, "next_observations", obsDim);

        obsData.CopyTo(destination.Observations);
        actData.CopyTo(destination.Actions);
        rewData.CopyTo(destination.Rewards);
        nextData.CopyTo(destination.NextObservations);
        for (int i = 0; i < n; i++) destination.Terminals[i] = proto.Terminals[i] ? 1f : 0f;
        destination.Count = n;
    }

    private static Tensor Tensor(ReadOnlySpan<float> data, params ReadOnlySpan<long> shape)
    {
        var tensor = new Tensor { Data = ByteString.CopyFrom(MemoryMarshal.AsBytes(data)) };
        foreach (long d in shape) tensor.Shape.Add(d);
        return tensor;
    }

    private static Tensor Require(Tensor? tensor, string name) => tensor ?? throw Invalid("missing_field", $"batch has no {name} tensor");

    private static void CheckMatrix(Tensor tensor, string name, long rows, int width, string widthReason, string what)
    {
        if (tensor.Shape.Count != 2) throw Invalid("bad_shape", $"{name} must have shape [B, {width}], got {ShapeText(tensor)}");
        if (tensor.Shape[1] != width)
            throw Invalid(widthReason, $"{name} are {tensor.Shape[1]} wide but this shard stores {what}s of width {width}");
        if (tensor.Shape[0] != rows)
            throw Invalid("mismatched_batch_lengths", $"{name} has {tensor.Shape[0]} rows but rewards has {rows}");
    }

    private static ReadOnlySpan<float> Floats(Tensor tensor, int count, string name)
    {
        if (tensor.Data.Length != (long)count * sizeof(float))
            throw Invalid("bad_tensor_data", $"{name} data holds {tensor.Data.Length} bytes; its shape {ShapeText(tensor)} needs {(long)count * sizeof(float)} (float32)");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("tensors travel little-endian; this machine is big-endian");
        return MemoryMarshal.Cast<byte, float>(tensor.Data.Span);
    }

    private static void CheckFinite(ReadOnlySpan<float> data, string name, int width)
    {
        if (VectorOps.AllFinite(data)) return;
        for (int i = 0; i < data.Length; i++)
            if (!float.IsFinite(data[i]))
                throw Invalid("non_finite_value", $"{name} row {i / width} holds {(float.IsNaN(data[i]) ? "NaN" : data[i] > 0 ? "+Infinity" : "-Infinity")}: only finite values are stored");
    }

    private static string ShapeText(Tensor tensor) => "[" + string.Join(", ", tensor.Shape) + "]";

    private static InvalidBatchException Invalid(string reason, string detail) => new(reason, detail);
}
