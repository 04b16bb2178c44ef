using Orch.Abstractions.Model;

namespace Orch.Core.Execution;

/// <summary>
/// The legacy <c>retry_policy</c> escalation for single jobs: once a job has failed all its retries,
/// <c>escalate_to_codex</c> and <c>escalate_to_claude</c> hand the same instruction to that tool as a follow-up job.
/// </summary>
public static class JobEscalation
{
    public static JobSpec? FollowUp(JobSpec failed, JobStatus status, ToolSettings tools)
    {
        if (status is not (JobStatus.Failed or JobStatus.TimedOut) || failed.Prompt is null)
        {
            return null;
        }

        var target = failed.Retry.Policy switch
        {
            RetryPolicy.EscalateToCodex => "codex",
            RetryPolicy.EscalateToClaude => "claude",
            _ => null,
        };
        if (target is null || string.Equals(target, failed.Tool, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return failed with
        {
            Name = $"{failed.Name} (escalated from {failed.Tool} to {target})",
            Tool = target,
            Command = [],
            UseShell = false,
            Model = tools.For(target).Model,
            Executable = tools.For(target).Executable,
            Timeout = tools.For(target).Timeout,
            // The follow-up ends the chain; a failure there needs a person, not another hand-over.
            Retry = failed.Retry with { Policy = RetryPolicy.None, MaxRetries = 0 },
            SuccessExitCodes = [0],
        };
    }
}
