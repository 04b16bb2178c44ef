using System.Reflection;
using Orch.Abstractions.Adapters;
using Orch.Abstractions.Profiles;

namespace Orch.Core.Plugins;

/// <summary>A plugin that loaded: what it adds, and the libraries its own context resolved.</summary>
public sealed record LoadedPlugin(string Id, string Version, IReadOnlyList<IToolAdapter> Adapters, IReadOnlyList<IProfileSource> ProfileSources)
{
    /// <summary>Each assembly in the plugin's folder with its version, the plugin's own first: what it runs with.</summary>
    public IReadOnlyList<AssemblyName> Assemblies { get; init; } = [];

    /// <summary>"Id Version", as messages and listings name a plugin.</summary>
    public string DisplayName => $"{Id} {Version}";
}

/// <summary>A plugin that did not load, and why, in words that say what to do.</summary>
public sealed record PluginProblem(string Id, string Version, string Reason)
{
    public string DisplayName => $"{Id} {Version}";
}
