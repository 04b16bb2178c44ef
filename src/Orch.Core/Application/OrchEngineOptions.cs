using Orch.Abstractions.Events;
using Orch.Adapters.Registry;

namespace Orch.Core.Application;

/// <summary>What <see cref="OrchEngineBuilder"/> gathered; see its methods for each default.</summary>
internal sealed record OrchEngineOptions
{
    public required string RepositoryRoot { get; init; }

    public required string DatabasePath { get; init; }

    public required TimeProvider Time { get; init; }

    public required AdapterRegistry Adapters { get; init; }

    public required IReadOnlyList<IEventSink> Sinks { get; init; }

    public Action<string, string>? OnToolOutput { get; init; }
}
