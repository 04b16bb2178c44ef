using Orch.Abstractions.Events;
using Orch.Core.Workflow;

namespace Orch.Core.Events;

/// <summary><c>phase.skipped</c>: A phase had nothing to run.</summary>
[EventKind("phase.skipped")]
public sealed record PhaseSkipped(string Workstream, PhaseName Phase, string Reason) : OrchEvent;
