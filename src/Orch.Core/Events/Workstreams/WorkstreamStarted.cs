using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.started</c>: A workstream started in its worktree.</summary>
[EventKind("workstream.started")]
public sealed record WorkstreamStarted(string Workstream, string Worktree) : OrchEvent;
