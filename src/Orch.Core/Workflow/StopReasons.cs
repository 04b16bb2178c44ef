namespace Orch.Core.Workflow;

/// <summary>Why a workstream stopped; stored and shown as these words.</summary>
public static class StopReasons
{
    public const string Success = "success";
    public const string MaxAttempts = "max_attempts";
    public const string Oscillation = "oscillation";
    public const string ScopeViolation = "scope_violation";
    public const string Budget = "budget";
    public const string DependencyFailed = "dependency_failed";
    public const string MergeConflict = "merge_conflict";
    public const string Cancelled = "cancelled";

    /// <summary>The worktree's setup hook failed.</summary>
    public const string SetupFailed = "setup_failed";

    /// <summary>Every tool of the escalation chain tried and failed; a person has to look.</summary>
    public const string NeedsAttention = "needs_attention";

    /// <summary>The EDIT tool itself failed (missing, crashed, or its breaker was open).</summary>
    public const string ToolFailed = "tool_failed";
}
