using Orch.Core.Events;
using Orch.Core.Git;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Queue;
using Orch.Core.Storage;

namespace Orch.Core.Workflow.Distribution;

/// <summary>
/// The worker's side of a distributed run: carries one workstream, handed over by a claimed job, through its phases in
/// a worktree of this host's clone. It starts from the newest attempt's last pushed checkpoint (or the published base),
/// pushes every checkpoint under its own attempt's ref before the phase that made it is recorded, and runs with every
/// database write fenced by the job's token, so a worker that lost the job records nothing.
/// </summary>
public sealed class HandedOverWorkstream(WorkflowServices services)
{
    /// <summary>Runs <paramref name="ws"/> of run <paramref name="runId"/> as attempt <paramref name="fence"/> of job <paramref name="jobId"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="ws">The workstream, as the run stored it.</param>
    /// <param name="root">This host's clone of the repository.</param>
    /// <param name="remote">The shared remote.</param>
    /// <param name="runBudgetUsd">The run's budget, if any.</param>
    /// <param name="jobId">The claimed job.</param>
    /// <param name="fence">Its fencing token: the attempt.</param>
    /// <param name="cancellationToken">Stops the workstream (the run was cancelled, or the worker lost the job).</param>
    public async Task<WorkstreamOutcome> RunAsync(string runId, WorkstreamSpec ws, string root, CheckpointRemote remote, decimal? runBudgetUsd, string jobId,
        long fence, CancellationToken cancellationToken)
    {
        var self = OwnerIdentity.Direct();
        await SettleEarlierOwnersAsync(runId, ws.Id, jobId, cancellationToken);
        var refs = await remote.FetchAsync(root, runId, ws.Id, cancellationToken);
        var start = refs.Latest ?? refs.Base;
        // This attempt's ref exists from its first moment, so the newest ref is always the live attempt's: what a stale
        // worker still pushes to its own older ref is never where a later attempt starts.
        await remote.PushCheckpointAsync(root, runId, ws.Id, fence, start, null, cancellationToken);
        var pushed = start;

        var path = Path.Combine(root, ".orch", "worktrees", runId, ws.Id);
        var branch = $"orch/{runId}/{ws.Id}";
        // Whatever an earlier attempt left on this host is stale: the remote holds the truth.
        await services.Git.RemoveWorktreeAsync(root, path, cancellationToken);
        if (await services.Git.BranchExistsAsync(root, branch, cancellationToken))
        {
            await services.Git.DeleteBranchAsync(root, branch, force: true, cancellationToken);
        }

        await services.Git.AddWorktreeAsync(root, path, branch, start, cancellationToken);
        var excludes = WorktreeHookRunner.ExcludesFile(root, runId, ws.Id);
        await WorktreeExcludes.WriteAsync(excludes, await WorktreeExcludes.RulesAsync(root, services.Git, cancellationToken), cancellationToken);
        services.Git.UseExcludes(path, excludes);
        var context = new WorkstreamContext
        {
            RunId = runId, Spec = ws, RepositoryRoot = root, Worktree = path, Checkpoint = start, BaseCommit = refs.Base,
            StateDirectory = Path.Combine(root, ".orch", "runs", runId, ws.Id), Owner = self, RunBudgetUsd = runBudgetUsd,
            PublishCheckpoint = async (sha, ct) =>
            {
                await remote.PushCheckpointAsync(root, runId, ws.Id, fence, sha, pushed, ct);
                pushed = sha;
            },
        };

        var hooks = new WorktreeHookRunner(services);
        await hooks.CopyAsync(root, path, excludes, cancellationToken);
        if (services.Settings.Worktree.Setup.Count > 0
            && await hooks.RunAsync("setup", services.Settings.Worktree.Setup, context, "setup", WorktreeHookRunner.Environment(context, null, null), null,
                cancellationToken) is { } failed)
        {
            return await WorkstreamVerdict.RecordAsync(services, runId, ws, WorkstreamStatus.Failed, StopReason.SetupFailed, failed, startedAt: services.Time.GetUtcNow());
        }

        if (refs.Latest is not null)
        {
            await services.Bus.PublishAsync(new WorkstreamReset(ws.Id, start) { RunId = runId });
        }

        return await new WorkstreamRunner(services).RunAsync(context, cancellationToken);
    }

    /// <summary>
    /// Jobs an earlier owner of the workstream left running (its host died, or it lost the job) are settled: they can
    /// never finish, since that owner's writes are fenced out now, and a job left running misleads status.
    /// </summary>
    private async Task SettleEarlierOwnersAsync(string runId, string workstreamId, string jobId, CancellationToken cancellationToken)
    {
        foreach (var job in await services.Jobs.ListJobsAsync(new JobQuery(JobStatus.Running, runId, 100_000), cancellationToken))
        {
            if (job.Id == jobId || job.Spec.WorkstreamId != workstreamId || WorkstreamJob.Is(job))
            {
                continue;
            }

            await services.Jobs.CompleteJobAsync(new JobCompletion
            {
                JobId = job.Id,
                Status = JobStatus.Failed,
                Error = $"abandoned: the worker running its workstream ({job.Owner?.Host ?? "unknown host"}) lost it before the job ended",
                Events = [EventEnvelope.Of(new JobAbandoned { Timestamp = services.Time.GetUtcNow(), RunId = runId, JobId = job.Id })],
            }, cancellationToken);
        }
    }
}
