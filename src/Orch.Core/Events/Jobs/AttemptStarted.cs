using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>attempt.started</c>: One try of a job started.</summary>
[EventKind("attempt.started")]
public sealed record AttemptStarted(int Attempt) : OrchEvent;
