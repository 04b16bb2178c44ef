using Orch.Abstractions.Events;
using Orch.Core.Jobs;

namespace Orch.Core.Events;

/// <summary><c>attempt.finished</c>: One try of a job ended.</summary>
[EventKind("attempt.finished")]
public sealed record AttemptFinished(int Attempt, JobStatus Status, int? ExitCode, string? Error) : OrchEvent;
