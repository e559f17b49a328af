using System.Diagnostics;
using SoftQDistributed.ReplayService.Tests.Integration;

namespace SoftQDistributed.ReplayService.Tests.Interop;

public sealed class PythonInteropTests
{
    [PythonGrpcFact]
    public async Task A_standard_grpcio_client_generated_from_the_proto_inserts_samples_and_is_refused_a_misshaped_batch()
    {
        using var dir = new TestDirectory();
        string generated = Directory.CreateDirectory(Path.Combine(dir.Path, "py")).FullName;
        string protoDir = Path.Combine(AppContext.BaseDirectory, "Proto");
        await Run(PythonGrpcFactAttribute.Protoc, ["-I", protoDir, "--python_out=" + generated, "--grpc_out=" + generated,
            "--plugin=protoc-gen-grpc=" + PythonGrpcFactAttribute.Plugin, Path.Combine(protoDir, "replay.proto")]);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Interop", "interop_client.py"), Path.Combine(generated, "interop_client.py"));

        await using ShardProcess shard = await ShardProcess.StartAsync(Path.Combine(dir.Path, "data"));
        string output = await Run(PythonGrpcFactAttribute.Python, [Path.Combine(generated, "interop_client.py"), $"{shard.Grpc.Host}:{shard.Grpc.Port}"], generated);
        Assert.Contains("refused: observations are 4 wide but this shard stores observations of width 3", output);
        Assert.Contains("INTEROP OK", output);
    }

    private static async Task<string> Run(string program, string[] arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}:\n{output}");
        return output;
    }
}
