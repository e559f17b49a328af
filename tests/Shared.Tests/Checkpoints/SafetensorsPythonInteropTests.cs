using System.Diagnostics;
using System.Text.Json;
using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Shared.Tests.Checkpoints;

public sealed class SafetensorsPythonInteropTests : IDisposable
{
    // Reads the file the way a PyTorch user without our code would: header by json, tensors by numpy.frombuffer.
    private const string Reader = """
        import json, struct, sys
        import numpy as np
        data = open(sys.argv[1], 'rb').read()
        (n,) = struct.unpack('<Q', data[:8])
        header = json.loads(data[8:8 + n])
        base = 8 + n
        kinds = {'F32': '<f4', 'F64': '<f8', 'I64': '<i8'}
        out = {'__metadata__': header.pop('__metadata__', {})}
        for name, entry in header.items():
            begin, end = entry['data_offsets']
            array = np.frombuffer(data[base + begin:base + end], dtype=kinds[entry['dtype']]).reshape(entry['shape'])
            out[name] = {'shape': list(array.shape), 'values': [v.item() for v in array.ravel()]}
        print(json.dumps(out))
        """;

    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [PythonNumpyFact]
    public void Python_reads_the_header_and_tensors_with_json_and_numpy()
    {
        string path = Path.Combine(_directory.Path, "checkpoint.safetensors");
        var writer = new SafetensorsWriter()
            .Add("policy/w0", [0.5f, -1.25f, 3e-8f, 1e30f, 0f, -7f], 3, 2)
            .Add("adam/v", [Math.E, -1e-200])
            .Add("rng", [long.MinValue, 42L, long.MaxValue]);
        writer.Metadata["env"] = "pendulum";
        writer.Save(path);

        using JsonDocument result = JsonDocument.Parse(RunPython(path));
        JsonElement root = result.RootElement;

        Assert.Equal("pendulum", root.GetProperty("__metadata__").GetProperty("env").GetString());
        JsonElement weights = root.GetProperty("policy/w0");
        Assert.Equal([3, 2], weights.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal([0.5f, -1.25f, 3e-8f, 1e30f, 0f, -7f], weights.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()));
        Assert.Equal([Math.E, -1e-200], root.GetProperty("adam/v").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([long.MinValue, 42L, long.MaxValue], root.GetProperty("rng").GetProperty("values").EnumerateArray().Select(v => v.GetInt64()));
    }

    private static string RunPython(string path)
    {
        var start = new ProcessStartInfo(PythonNumpyFactAttribute.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Reader);
        start.ArgumentList.Add(path);
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("python did not finish within 60 s");
        }
        Assert.True(process.ExitCode == 0, $"python failed: {errors.Result}");
        return output.Result;
    }
}
