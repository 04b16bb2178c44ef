using Orch.Core.Jobs;
using Orch.Core.Settings;

namespace Orch.Core.Execution;

/// <summary>
/// Who takes work over when a tool cannot do it: the one policy for single jobs (their retry policy names the next
/// tool) and for workstreams (the FIX loop walks a chain of tools, then needs a person).
/// </summary>
public sealed class EscalationPolicy(ToolSettings tools, EscalationSettings settings)
{
    /// <summary>
    /// The tools in escalation order for work that starts with <paramref name="primary"/>: its own list when it names one,
    /// else the project's chain from <paramref name="primary"/> on, else <paramref name="primary"/> alone.
    /// </summary>
    public IReadOnlyList<string> Chain(string? primary, IReadOnlyList<string> explicitChain)
    {
        if (primary is null)
        {
            return [];
        }

        if (explicitChain.Count > 0)
        {
            return [primary, .. explicitChain.Where(t => t != primary)];
        }

        var shared = settings.Chain.ToList();
        var index = shared.IndexOf(primary);
        return index >= 0 ? shared[index..] : [primary];
    }

    /// <summary>
    /// The follow-up job for a job that failed all its retries under <see cref="RetryPolicy.Escalate"/>: the same instruction for
    /// the next tool, which ends the chain (a failure there needs a person). <see langword="null"/> when nothing follows.
    /// </summary>
    public JobSpec? FollowUp(JobSpec failed, JobStatus status)
    {
        if (status is not (JobStatus.Failed or JobStatus.TimedOut or JobStatus.Stalled) || failed.Prompt is null || failed.Retry.Policy != RetryPolicy.Escalate)
        {
            return null;
        }

        var chain = Chain(failed.Tool, failed.Retry.EscalateTo is { } target ? [target] : []);
        if (chain.Count < 2)
        {
            return null;
        }

        var next = chain[1];
        var options = tools.For(next);
        return failed with
        {
            Name = $"{failed.Name} (escalated from {failed.Tool} to {next})",
            Tool = next,
            Command = [],
            UseShell = false,
            Model = options.Model,
            Executable = options.Executable,
            Timeout = options.Timeout,
            StallTimeout = options.StallAfter(next),
            Retry = failed.Retry with { Policy = RetryPolicy.None, EscalateTo = null, MaxRetries = 0 },
            SuccessExitCodes = [0],
        };
    }
}
