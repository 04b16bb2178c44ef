using Orch.Core.Diagnostics;

namespace Orch.Core.Planning;

/// <summary>Workstreams loaded from a file or folder, with every problem found on the way.</summary>
public sealed record Plan(string Source, IReadOnlyList<WorkstreamSpec> Workstreams, IReadOnlyList<OrchDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
