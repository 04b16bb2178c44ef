using System.Reflection;
using System.Runtime.Loader;

namespace Orch.Core.Plugins;

/// <summary>
/// One plugin's own, collectible load context. Its dependencies, managed and native, come from its folder through
/// <see cref="AssemblyDependencyResolver"/>; only <c>Orch.Abstractions</c> and the framework come from Orch, so the plugin
/// and Orch may each use their own version of the same library.
/// </summary>
internal sealed class PluginLoadContext(string mainAssemblyPath, string name) : AssemblyLoadContext(name, isCollectible: true)
{
    /// <summary>The contract the plugin and Orch must share: loading the plugin's copy would make its types foreign to Orch.</summary>
    public const string SharedContract = "Orch.Abstractions";

    private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (string.Equals(assemblyName.Name, SharedContract, StringComparison.OrdinalIgnoreCase) || PluginReferences.IsFramework(assemblyName))
        {
            return null;
        }

        // Falling back to Orch's own copy of a library would quietly break the plugin's isolation.
        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path)
            : throw new FileNotFoundException($"{assemblyName.Name} {assemblyName.Version} is not in the plugin's folder", assemblyName.Name);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
