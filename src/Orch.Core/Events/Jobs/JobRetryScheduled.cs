using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.retry_scheduled</c>: An attempt failed and another follows after a delay.</summary>
[EventKind("job.retry_scheduled")]
public sealed record JobRetryScheduled(int Attempt, long DelayMs) : OrchEvent;
