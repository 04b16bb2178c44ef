namespace Orch.Core.Jobs;

/// <summary>What happens after a job fails all its retries. Legacy files name it in <c>metadata.retry_policy</c>.</summary>
public enum RetryPolicy
{
    /// <summary>No retry and no escalation (<c>none</c>).</summary>
    None,

    /// <summary>Retry the same tool (<c>retry_same</c>).</summary>
    RetrySame,

    /// <summary>Retry, then hand the work to the tool in <see cref="RetrySettings.EscalateTo"/> (legacy <c>escalate_to_TOOL</c>).</summary>
    Escalate,
}
