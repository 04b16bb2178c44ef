using Orch.Abstractions.Adapters;
using Orch.Abstractions.Profiles;

namespace Orch.Core.Plugins;

/// <summary>The plugins loaded for one engine, and the ones that could not be. Disposing unloads their contexts.</summary>
public sealed class PluginSet : IDisposable
{
    private readonly List<PluginLoadContext> _contexts;

    internal PluginSet(IReadOnlyList<LoadedPlugin> plugins, IReadOnlyList<PluginProblem> problems, List<PluginLoadContext> contexts)
    {
        Plugins = plugins;
        Problems = problems;
        _contexts = contexts;
    }

    public static PluginSet Empty => new([], [], []);

    public IReadOnlyList<LoadedPlugin> Plugins { get; }

    public IReadOnlyList<PluginProblem> Problems { get; }

    public IEnumerable<IToolAdapter> Adapters => Plugins.SelectMany(p => p.Adapters);

    public IEnumerable<IProfileSource> ProfileSources => Plugins.SelectMany(p => p.ProfileSources);

    /// <summary>Unloads every plugin; their contexts are collected once nothing holds their types.</summary>
    public void Dispose()
    {
        foreach (var context in _contexts)
        {
            context.Unload();
        }

        _contexts.Clear();
    }
}
