using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>hook.finished</c>: A worktree hook ended; when it failed, the workstream stops and <c>Error</c> says why.</summary>
[EventKind("hook.finished")]
public sealed record HookFinished(string Workstream, string Hook, string Command, bool Succeeded, string? Error, string LogFile) : OrchEvent;
