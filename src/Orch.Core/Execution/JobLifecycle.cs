using Orch.Core.Events;
using Orch.Core.Jobs;
using Orch.Core.Storage;

namespace Orch.Core.Execution;

/// <summary>
/// The one life of a job: create (queued, or started at once), start (committed before any process starts), execute,
/// escalate (the retry policy's follow-up), finish (result and events in one transaction). Every caller that runs a job
/// — <c>job run</c>, workers, workstream phases, hooks, <c>static</c> and <c>test</c> — goes through here.
/// </summary>
public sealed class JobLifecycle(IJobStore jobs, JobExecutor executor, EscalationPolicy escalation, EventBus bus)
{
    /// <summary>Starts <paramref name="spec"/> now under <paramref name="owner"/> and runs it to its end; no escalation.</summary>
    public async Task<JobOutcome> RunAsync(string? runId, JobSpec spec, WorkerIdentity owner, CancellationToken cancellationToken)
    {
        // The stored copy holds no secret values; the process gets the real environment.
        var job = await jobs.StartJobAsync(runId, JobSecrets.Redacted(spec), owner, CancellationToken.None);
        Diagnostics.CrashPoints.Hit(Diagnostics.CrashPoints.AfterJobStart);
        return await executor.ExecuteAsync(job, spec, cancellationToken);
    }

    /// <summary>Runs <paramref name="spec"/> now, then each follow-up its retry policy escalates to; returns the last outcome.</summary>
    public async Task<JobOutcome> RunEscalatingAsync(string? runId, JobSpec spec, WorkerIdentity owner, CancellationToken cancellationToken)
    {
        var outcome = await RunAsync(runId, spec, owner, cancellationToken);
        while (escalation.FollowUp(spec, outcome.Status) is { } next)
        {
            await bus.PublishAsync(new JobEscalated(spec.Tool, next.Tool, outcome.Status) { RunId = runId, JobId = outcome.JobId });
            spec = next;
            outcome = await RunAsync(runId, spec, owner, cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// Runs a job a worker claimed from the queue, as <paramref name="runtimeSpec"/> when the worker made it its own (a
    /// handed-over workstream); a follow-up goes back to the queue for any worker.
    /// </summary>
    public Task<JobOutcome> RunClaimedAsync(JobRecord job, JobSpec? runtimeSpec, CancellationToken cancellationToken) =>
        RunClaimedAsync(job, runtimeSpec, null, cancellationToken);

    /// <summary>As <see cref="RunClaimedAsync(JobRecord, JobSpec?, CancellationToken)"/>, claiming the worker's next job with the result when <paramref name="nextClaim"/> asks.</summary>
    internal async Task<JobOutcome> RunClaimedAsync(JobRecord job, JobSpec? runtimeSpec, Queue.NextClaim? nextClaim, CancellationToken cancellationToken)
    {
        var outcome = await executor.ExecuteAsync(job, runtimeSpec, nextClaim, cancellationToken);
        if (escalation.FollowUp(job.Spec, outcome.Status) is { } next)
        {
            var queued = await jobs.EnqueueJobsAsync(job.RunId, [next], CancellationToken.None);
            await bus.PublishAsync(new JobEscalated(job.Spec.Tool, next.Tool, outcome.Status) { RunId = job.RunId, JobId = queued[0].Id });
        }

        return outcome;
    }
}
