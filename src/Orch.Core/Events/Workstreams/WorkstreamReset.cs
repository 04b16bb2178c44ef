using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.reset</c>: Resume reset a worktree to its last checkpoint.</summary>
[EventKind("workstream.reset")]
public sealed record WorkstreamReset(string Workstream, string Checkpoint) : OrchEvent;
