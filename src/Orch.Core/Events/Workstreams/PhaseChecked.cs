using Orch.Abstractions.Events;
using Orch.Core.Workflow;

namespace Orch.Core.Events;

/// <summary>
/// <c>phase.checked</c>: A STATIC or RUNTIME check ran; its findings' signatures drive oscillation detection. Findings
/// that the workstream's base commit has too are its baseline: counted apart, never blocking. <c>Top</c> holds the first
/// <see cref="TopCount"/> findings themselves, so whoever watches sees file:line without opening a file.
/// </summary>
[EventKind("phase.checked")]
public sealed record PhaseChecked(string Workstream, PhaseName Phase, int Attempt, bool Passed, int Findings, IReadOnlyList<string> Signatures, int Baseline,
    IReadOnlyList<Abstractions.Diagnostics.Finding>? Top = null) : OrchEvent
{
    /// <summary>How many findings an event carries. The default value is 10.</summary>
    public const int TopCount = 10;
}
