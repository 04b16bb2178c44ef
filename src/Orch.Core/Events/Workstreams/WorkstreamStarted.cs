using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.started</c>: A workstream started in its worktree, on <c>Base</c>: the commit that holds its dependencies' merged work.</summary>
[EventKind("workstream.started")]
public sealed record WorkstreamStarted(string Workstream, string Worktree, string? Base = null) : OrchEvent;
