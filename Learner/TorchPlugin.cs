using System.Reflection;
using System.Runtime.Loader;
using SoftQDistributed.Learner.Settings;

namespace SoftQDistributed.Learner;

/// <summary>
/// Loads the torch backend, <c>Learner.Torch</c>, as a plugin. The Learner does not reference it, so the default build
/// never restores libtorch (~600 MB); built with <c>TorchBackend=true</c>, Learner.Torch copies itself, TorchSharp and
/// libtorch into <c>torch-backend/</c> next to the Learner (docs/backends.md). It loads in a context of its own that
/// finds TorchSharp and the native libraries through the plugin's deps.json, and takes every assembly the Learner has
/// (this one included, so the factory it exports is our <see cref="IUpdateGradientsFactory"/>) from the Learner.
/// </summary>
public static class TorchPlugin
{
    private const string AssemblyFileName = "SoftQDistributed.Learner.Torch.dll";

    private static readonly Lazy<IUpdateGradientsFactory> Factory = new(LoadFactory);

    /// <summary><c>torch-backend/</c> next to the Learner (not <c>torch/</c>: Python run from that folder would import it as PyTorch).</summary>
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "torch-backend");

    /// <summary>The plugin's factory, loading it the first time; a <see cref="SettingsException"/> saying how to build it where it is missing.</summary>
    public static IUpdateGradientsFactory Load() => Factory.Value;

    private static IUpdateGradientsFactory LoadFactory()
    {
        string path = Path.Combine(Folder, AssemblyFileName);
        if (!File.Exists(path))
            throw new SettingsException($"the torch backend is not built ({path} is missing): build it with TorchBackend=true dotnet build -c Release (docs/backends.md)");
        Assembly plugin = new PluginLoadContext(path).LoadFromAssemblyPath(path);
        Type factory = plugin.GetExportedTypes().Single(type => type is { IsClass: true, IsAbstract: false } && type.IsAssignableTo(typeof(IUpdateGradientsFactory)));
        return (IUpdateGradientsFactory)Activator.CreateInstance(factory)!;
    }

    private sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext("torch backend")
    {
        /// <summary>Every assembly the host resolves itself: the framework's and those of the Learner's deps.json.</summary>
        private static readonly HashSet<string> HostAssemblies = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator).Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);

        private readonly AssemblyDependencyResolver _resolver = new(pluginPath);

        protected override Assembly? Load(AssemblyName name)
        {
            if (HostAssemblies.Contains(name.Name!)) return null; // the default context's copy, shared with the Learner
            string? path = _resolver.ResolveAssemblyToPath(name);
            return path is null ? null : LoadFromAssemblyPath(path);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
        }
    }
}
