namespace Orch.Core.Workflow;

/// <summary>Why a workstream or a phase stopped. Stored and shown in snake_case.</summary>
public enum StopReason
{
    /// <summary>It did what was asked.</summary>
    Success,

    /// <summary>The FIX loop used all its attempts.</summary>
    MaxAttempts,

    /// <summary>The same findings came back.</summary>
    Oscillation,

    /// <summary>A tool changed files outside the scope.</summary>
    ScopeViolation,

    /// <summary>The budget was spent.</summary>
    Budget,

    /// <summary>A dependency did not succeed.</summary>
    DependencyFailed,

    /// <summary>Merging the branch conflicted, or the main tree was not clean.</summary>
    MergeConflict,

    /// <summary>Ctrl-C, or --fail-fast stopped it.</summary>
    Cancelled,

    /// <summary>The worktree's setup hook failed.</summary>
    SetupFailed,

    /// <summary>Every tool of the escalation chain tried and failed; a person has to look.</summary>
    NeedsAttention,

    /// <summary>The EDIT tool itself failed (missing, crashed, or its breaker was open).</summary>
    ToolFailed,

    /// <summary>A tool or check printed nothing for its stall time and was killed with its process tree.</summary>
    Stalled,

    /// <summary>A before_run or after_run hook failed; its output is in the detail.</summary>
    HookFailed,

    /// <summary>In a distributed run, no worker could carry it: its job failed (no clone, the remote out of reach) or its owners kept dying.</summary>
    WorkerFailed,
}
