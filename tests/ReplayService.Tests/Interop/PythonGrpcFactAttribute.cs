using System.Diagnostics;

namespace SoftQDistributed.ReplayService.Tests.Interop;

/// <summary>A fact that runs only where /usr/bin/python3 has grpcio and protoc has the gRPC Python plugin; skipped with the reason otherwise.</summary>
public sealed class PythonGrpcFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";
    public const string Protoc = "/usr/bin/protoc";
    public const string Plugin = "/usr/bin/grpc_python_plugin";

    private static readonly Lazy<string?> MissingReason = new(FindMissing);

    public PythonGrpcFactAttribute()
    {
        if (MissingReason.Value is { } reason) Skip = reason;
    }

    private static string? FindMissing()
    {
        const string install = "install Debian python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc (.ci/run does)";
        if (!File.Exists(Python)) return $"{Python} not found; {install}";
        if (!File.Exists(Protoc)) return $"{Protoc} not found; {install}";
        if (!File.Exists(Plugin)) return $"{Plugin} not found; {install}";
        var info = new ProcessStartInfo(Python, ["-c", "import grpc, google.protobuf"]) { RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(info)!;
        if (!process.WaitForExit(30_000)) return $"{Python} did not answer";
        return process.ExitCode == 0 ? null : $"{Python} cannot import grpc/protobuf; {install}";
    }
}
