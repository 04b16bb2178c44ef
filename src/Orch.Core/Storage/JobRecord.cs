using Orch.Core.Jobs;

namespace Orch.Core.Storage;

/// <summary>A stored job with its current state.</summary>
public sealed record JobRecord
{
    /// <summary>The job id Orch gave it, unique in the store.</summary>
    public required string Id { get; init; }

    /// <summary>The run it belongs to, if any.</summary>
    public string? RunId { get; init; }

    /// <summary>The job as loaded from its file, with secrets already removed.</summary>
    public required JobSpec Spec { get; init; }

    /// <summary>Where the job is in its life.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>When it was queued or started.</summary>
    public required DateTimeOffset QueuedAt { get; init; }

    /// <summary>When its owner claimed it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The last attempt's exit code.</summary>
    public int? ExitCode { get; init; }

    /// <summary>How many attempts ran, counting the first.</summary>
    public int Attempts { get; init; }

    /// <summary>A short, redacted reason when it did not succeed.</summary>
    public string? Error { get; init; }

    /// <summary>The worker or <c>job run</c> process that owns it while running.</summary>
    public WorkerIdentity? Owner { get; init; }

    /// <summary>The process the job started, while it runs.</summary>
    public ProcessIdentity? Process { get; init; }

    /// <summary>How many times the job was put back in the queue after its owner died.</summary>
    public int Recoveries { get; init; }

    /// <summary>The fencing token: raised by every claim and requeue, so writes from an owner that lost the job are refused.</summary>
    public long Fence { get; init; }
}
