using System.Globalization;
using Orch.Core.Jobs;
using Orch.Core.Storage;

namespace Orch.Core.Workflow.Distribution;

/// <summary>
/// The queued job that hands one workstream of a distributed run to a worker. It names no command of its own: the
/// worker that claims it runs <c>dotnet orch run-workstream</c> with its own Orch, in its own clone of the repository,
/// against the same database, passing the claim's fencing token on.
/// </summary>
public static class WorkstreamJob
{
    /// <summary>The job's tool, which marks it as a workstream for workers.</summary>
    public const string Tool = "orch-workstream";

    /// <summary>The hidden command a worker runs for it.</summary>
    public const string Command = "run-workstream";

    /// <summary>True for a job that hands over a workstream.</summary>
    public static bool Is(JobRecord job) => job.Spec.Tool == Tool && job.RunId is not null && job.Spec.WorkstreamId is not null;

    /// <summary>The job the coordinator queues.</summary>
    public static JobSpec For(string runId, string workstreamId, string repositoryRoot) => new()
    {
        Name = $"{workstreamId} (run {runId})",
        Tool = Tool,
        Command = [Command, runId, workstreamId],
        RepositoryRoot = repositoryRoot,
        WorkingDirectory = repositoryRoot,
        // The workstream's own tools have their timeouts; the hand-over gets the longest a job may have.
        Timeout = TimeSpan.FromDays(1),
        // Its Orch stops the tools it started, each in a session of its own, on SIGTERM; a SIGKILL would leave them running.
        StopGrace = TimeSpan.FromSeconds(30),
        Retry = new RetrySettings { MaxRetries = 0 },
        WorkstreamId = workstreamId,
    };

    /// <summary>
    /// What a worker runs for <paramref name="job"/>: <paramref name="orchCommand"/> (how to start Orch on this host) with
    /// <c>run-workstream</c>, in <paramref name="repositoryRoot"/>, the worker's clone, with its logs there too.
    /// </summary>
    public static JobSpec OnWorker(JobRecord job, IReadOnlyList<string> orchCommand, string repositoryRoot, string databaseAddress)
    {
        var fence = job.Fence.ToString(CultureInfo.InvariantCulture);
        var logs = Path.Combine(repositoryRoot, ".orch", "logs", job.RunId!, job.Spec.WorkstreamId!);
        return job.Spec with
        {
            Command = [.. orchCommand, Command, job.RunId!, job.Spec.WorkstreamId!, "--job", job.Id, "--fence", fence],
            UseShell = false,
            RepositoryRoot = repositoryRoot,
            WorkingDirectory = repositoryRoot,
            LogFile = Path.Combine(logs, $"worker-{fence}.log"),
            ErrorReport = Path.Combine(logs, $"worker-{fence}.error.json"),
            // In the environment, not the command line, where any user's `ps` would show a server's password.
            Environment = new Dictionary<string, string>(job.Spec.Environment) { ["ORCH_DB"] = databaseAddress },
        };
    }
}
