using Orch.Abstractions.Events;
using Orch.Core.Workflow;

namespace Orch.Core.Events;

/// <summary><c>workstream.escalated</c>: A FIX loop handed over to the next tool of the escalation chain.</summary>
[EventKind("workstream.escalated")]
public sealed record WorkstreamEscalated(string Workstream, PhaseName Phase, string From, string To) : OrchEvent;
