using Orch.Core.Jobs;

namespace Orch.Cli.Hosting;

internal static class JobExitCodes
{
    public static int For(JobStatus status) => status switch
    {
        JobStatus.Succeeded => ExitCodes.Ok,
        JobStatus.CircuitOpen => ExitCodes.BreakerOpen,
        JobStatus.Cancelled => ExitCodes.Cancelled,
        _ => ExitCodes.WorkFailed,
    };

    /// <summary>The worst of several jobs: cancelled, then breaker, then failure.</summary>
    public static int For(IEnumerable<JobStatus> statuses)
    {
        var codes = statuses.Select(For).ToList();
        return codes.Contains(ExitCodes.Cancelled) ? ExitCodes.Cancelled
            : codes.Contains(ExitCodes.BreakerOpen) ? ExitCodes.BreakerOpen
            : codes.Contains(ExitCodes.WorkFailed) ? ExitCodes.WorkFailed
            : ExitCodes.Ok;
    }
}
