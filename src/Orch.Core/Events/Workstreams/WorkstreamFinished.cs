using Orch.Abstractions.Events;
using Orch.Core.Workflow;

namespace Orch.Core.Events;

/// <summary><c>workstream.finished</c>: A workstream stopped, with the reason.</summary>
[EventKind("workstream.finished")]
public sealed record WorkstreamFinished(string Workstream, WorkstreamStatus Status, StopReason StopReason, int Attempts, string? Detail, decimal? SpentUsd = null) : OrchEvent;
