using Orch.Abstractions.Events;
using Orch.Adapters.Registry;

namespace Orch.Core.Application;

/// <summary>
/// What <see cref="OrchEngineBuilder"/> gathered; see its methods for each default. <see cref="Adapters"/> is
/// <see langword="null"/> for the built-in ones, made when first needed: a report never loads them.
/// </summary>
internal sealed record OrchEngineOptions(
    string RepositoryRoot, string DatabasePath, TimeProvider Time, AdapterRegistry? Adapters, IReadOnlyList<IEventSink> Sinks, Action<string, string>? OnToolOutput)
{
    public bool LoadPlugins { get; init; } = true;

    public bool ReadOnly { get; init; }

    public Action<Plugins.PluginProblem>? OnPluginProblem { get; init; }

    public IReadOnlyList<string>? JobSupervisor { get; init; }
}
