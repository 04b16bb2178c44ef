using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.recovered</c>: A job whose owner died was put back in the queue, or completed from the exit code it left.</summary>
[EventKind("job.recovered")]
public sealed record JobRecovered(string Reason, string? PreviousOwner = null, int? ExitCode = null) : OrchEvent;
