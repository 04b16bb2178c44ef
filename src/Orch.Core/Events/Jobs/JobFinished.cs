using Orch.Abstractions.Events;
using Orch.Core.Jobs;

namespace Orch.Core.Events;

/// <summary><c>job.finished</c>: A job reached its final status; committed together with its result.</summary>
[EventKind("job.finished")]
public sealed record JobFinished(JobStatus Status, int? ExitCode, int Attempts, string? Error, string? ErrorReport) : OrchEvent;
