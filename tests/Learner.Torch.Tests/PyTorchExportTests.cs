using System.Diagnostics;
using System.Text.Json;
using SoftQDistributed.Learner;
using SoftQDistributed.Learner.Torch;
using SoftQDistributed.Shared.Numerics;
using SoftQDistributed.Tests.Reference;

namespace SoftQDistributed.Torch.Tests;

/// <summary>The exported state dict, loaded by Python's own PyTorch, gives the sampling network's outputs.</summary>
public sealed class PyTorchExportTests
{
    [PythonTorchFact]
    public void PyTorch_reproduces_the_sampling_network_from_the_exported_state_dict()
    {
        const int states = 4;
        var rng = new Rng(12);
        var nets = new SoftQNetworks(BackendPair.Obs, BackendPair.Act, BackendPair.Settings.Hidden, rng);
        rng.FillUniform(nets.Policy.Parameters, -0.3f, 0.3f); // biases too, so a misplaced bias shows
        double[] obs = [.. Enumerable.Range(0, states * BackendPair.Obs).Select(_ => (double)rng.NextGaussian())];
        double[] xi = [.. Enumerable.Range(0, states * BackendPair.Act).Select(_ => (double)rng.NextGaussian())];
        string path = Path.Combine(Path.GetTempPath(), $"softq-policy-{Guid.NewGuid():N}.pt");
        try
        {
            PyTorchExport.Save(nets.Policy, path);
            int[] widths = [BackendPair.Obs + BackendPair.Act, .. BackendPair.Settings.Hidden, BackendPair.Act];
            double[][] rows = [.. Enumerable.Range(0, states).Select(s =>
                obs.Skip(s * BackendPair.Obs).Take(BackendPair.Obs).Concat(xi.Skip(s * BackendPair.Act).Take(BackendPair.Act)).ToArray())];
            double[] python = [.. JsonSerializer.Deserialize<double[][]>(RunPython(path, JsonSerializer.Serialize(widths), JsonSerializer.Serialize(rows)))!.SelectMany(r => r)];

            double[] expected = ReferenceMlp.Forward(nets.Policy, ReferenceMlp.ToDouble(nets.Policy.Parameters), obs, xi, states, 1);
            Assert.Equal(expected.Length, python.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - python[i]) <= 1e-5, $"output {i}: ours {expected[i]}, PyTorch {python[i]}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string RunPython(params string[] args)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "load_policy.py");
        using Process python = Process.Start(new ProcessStartInfo(PythonTorchFactAttribute.Interpreter, [script, .. args])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        Task<string> error = python.StandardError.ReadToEndAsync();
        string output = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, $"python3 load_policy.py failed: {error.Result}");
        return output;
    }
}
