namespace Orch.Core.Workflow;

/// <summary>A workstream's status words.</summary>
public static class WorkstreamStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Cancelled = "cancelled";

    /// <summary>The escalation chain ran out; the workstream waits for a person.</summary>
    public const string NeedsAttention = "needs_attention";
}
