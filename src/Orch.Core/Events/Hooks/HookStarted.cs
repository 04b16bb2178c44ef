using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>hook.started</c>: A worktree hook (setup, before_run, after_run, before_remove) started in a workstream's worktree.</summary>
[EventKind("hook.started")]
public sealed record HookStarted(string Workstream, string Hook, string Command) : OrchEvent;
