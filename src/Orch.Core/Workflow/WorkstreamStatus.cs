namespace Orch.Core.Workflow;

/// <summary>Where a workstream is. Stored and shown in snake_case.</summary>
public enum WorkstreamStatus
{
    /// <summary>Not started.</summary>
    Pending,

    /// <summary>In progress.</summary>
    Running,

    /// <summary>Finished green.</summary>
    Succeeded,

    /// <summary>Stopped on a failure.</summary>
    Failed,

    /// <summary>Not run because a dependency failed.</summary>
    Skipped,

    /// <summary>Stopped by Ctrl-C or --fail-fast.</summary>
    Cancelled,

    /// <summary>The escalation chain ran out; the workstream waits for a person.</summary>
    NeedsAttention,
}
