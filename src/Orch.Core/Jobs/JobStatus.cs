namespace Orch.Core.Jobs;

/// <summary>Where a job is in its life. Stored as snake_case text.</summary>
public enum JobStatus
{
    /// <summary>Waiting in the queue for a worker.</summary>
    Queued,

    /// <summary>Claimed by a worker or <c>job run</c>; its process may be running.</summary>
    Running,

    /// <summary>Finished with a success exit code.</summary>
    Succeeded,

    /// <summary>Finished with a failure after all retries.</summary>
    Failed,

    /// <summary>Its last attempt was killed at the timeout.</summary>
    TimedOut,

    /// <summary>Its last attempt printed nothing for the tool's stall time and was killed.</summary>
    Stalled,

    /// <summary>Not run because the tool's circuit breaker was open.</summary>
    CircuitOpen,

    /// <summary>Stopped by Ctrl-C or a cancelled run.</summary>
    Cancelled,
}
