using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.scope_violation</c>: A tool changed files outside the scope; the worktree was reset to the checkpoint.</summary>
[EventKind("workstream.scope_violation")]
public sealed record WorkstreamScopeViolation(string Workstream, IReadOnlyList<string> Files, string ResetTo) : OrchEvent;
