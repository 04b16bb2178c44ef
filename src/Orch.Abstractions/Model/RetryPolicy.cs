namespace Orch.Abstractions.Model;

/// <summary>What happens after a job fails, as the legacy <c>metadata.retry_policy</c> values name it.</summary>
public enum RetryPolicy
{
    /// <summary>No retry and no escalation (<c>none</c>).</summary>
    None,

    /// <summary>Retry the same tool (<c>retry_same</c>).</summary>
    RetrySame,

    /// <summary>Retry, then hand the work to Codex (<c>escalate_to_codex</c>).</summary>
    EscalateToCodex,

    /// <summary>Retry, then hand the work to Claude Code (<c>escalate_to_claude</c>).</summary>
    EscalateToClaude,
}
