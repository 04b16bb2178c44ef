using Orch.Abstractions.Events;
using Orch.Core.Jobs;

namespace Orch.Core.Events;

/// <summary><c>job.escalated</c>: A failed job's retry policy handed the work to another tool as a follow-up job.</summary>
[EventKind("job.escalated")]
public sealed record JobEscalated(string From, string To, JobStatus Status) : OrchEvent;
