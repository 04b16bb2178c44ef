using Orch.Core.Events;
using Orch.Core.Git;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Serialization;
using Orch.Core.Storage;

namespace Orch.Core.Workflow.Distribution;

/// <summary>
/// The coordinator's side of a distributed run: publishes the commit a workstream starts from, queues the job that
/// hands it to a worker (or finds the one a crashed coordinator queued), and waits for the job to end. The worker
/// records the workstream's phases; what the job's end leaves unrecorded is a <see cref="StopReason.WorkerFailed"/>.
/// </summary>
public sealed class WorkstreamDispatcher(WorkflowServices services)
{
    /// <summary>How often the coordinator looks at a handed-over workstream's job. The default value is 500 ms.</summary>
    public static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Hands <paramref name="ws"/> over and waits for its verdict.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="ws">The workstream.</param>
    /// <param name="root">The coordinator's repository, which holds the start commit.</param>
    /// <param name="start">The commit it starts from: the target branch with its dependencies merged.</param>
    /// <param name="existing">Its worktree record from before a crash, if any: the base published then stays.</param>
    /// <param name="remote">The shared remote.</param>
    /// <param name="cancellationToken">Stops waiting; the worker stops when it sees the run end.</param>
    public async Task<WorkstreamOutcome> RunAsync(string runId, WorkstreamSpec ws, string root, string start, WorktreeRecord? existing, CheckpointRemote remote,
        CancellationToken cancellationToken)
    {
        if (existing is null)
        {
            await remote.PublishBaseAsync(root, runId, ws.Id, start, cancellationToken);
            await services.Runs.SaveWorktreeAsync(new WorktreeRecord($"{remote.Url}#{CheckpointRemote.Prefix(runId, ws.Id)}", runId, ws.Id, $"orch/{runId}/{ws.Id}",
                start, null, WorktreeStatus.Active), cancellationToken);
        }

        // A job queued before a crash of this process is still the workstream's: never queue it twice.
        var job = (await services.Jobs.ListJobsAsync(new JobQuery(null, runId, 100_000), cancellationToken))
            .LastOrDefault(j => WorkstreamJob.Is(j) && j.Spec.WorkstreamId == ws.Id && j.Status is JobStatus.Queued or JobStatus.Running);
        if (job is null)
        {
            // Pending until a worker starts it, so a verdict of an earlier try is never read as this one's.
            await services.Runs.SaveWorkstreamAsync(new WorkstreamRecord(runId, ws.Id, ws.Title, WorkstreamStatus.Pending, null, 0, "queued for a worker", null, null),
                cancellationToken);
            job = (await services.Jobs.EnqueueJobsAsync(runId, [WorkstreamJob.For(runId, ws.Id, root)], cancellationToken))[0];
            await services.Bus.PublishAsync(new WorkstreamQueued(ws.Id, CheckpointRemote.Prefix(runId, ws.Id)) { RunId = runId, JobId = job.Id });
        }

        while (job.Status is JobStatus.Queued or JobStatus.Running)
        {
            await Task.Delay(PollInterval, services.Time, cancellationToken);
            job = await services.Jobs.GetJobAsync(job.Id, cancellationToken) ?? throw new InvalidOperationException($"job {job.Id} of workstream {ws.Id} disappeared");
        }

        var record = (await services.Runs.ListWorkstreamsAsync(runId, cancellationToken)).FirstOrDefault(w => w.Id == ws.Id);
        if (record is { Status: WorkstreamStatus.Succeeded or WorkstreamStatus.Failed or WorkstreamStatus.NeedsAttention or WorkstreamStatus.Cancelled })
        {
            var spent = await services.Costs.SumCostAsync(runId, ws.Id, null, CancellationToken.None);
            return new WorkstreamOutcome(ws.Id, record.Status, record.StopReason ?? StopReason.Success, record.Attempts, record.Detail) { SpentUsd = spent };
        }

        var detail = $"its job {job.Id} {OrchJson.EnumText(job.Status)} on {job.Owner?.Host ?? "a worker"} before the workstream ended" +
                     (job.Error is null ? "" : $": {job.Error}") + $"; the worker's log is under .orch/logs/{runId}/{ws.Id}/ in its clone";
        return await WorkstreamVerdict.RecordAsync(services, runId, ws, WorkstreamStatus.Failed, StopReason.WorkerFailed, detail, record?.Attempts ?? 0, record?.StartedAt);
    }
}
