using System.Runtime.CompilerServices;
using Orch.Core.Costs;
using Orch.Core.Jobs;
using Orch.Core.Storage;

namespace Orch.Core.Application;

/// <summary>Read-only views of the state database: <c>status</c>, <c>events</c> and <c>costs</c>.</summary>
public sealed class ReportUseCases
{
    private readonly OrchEngine _engine;

    internal ReportUseCases(OrchEngine engine) => _engine = engine;

    /// <summary>The overview, or one run or job in detail.</summary>
    public async Task<StatusReport> StatusAsync(string? id, CancellationToken cancellationToken)
    {
        // A read-only view never makes a database where nothing has run.
        if (!_engine.HasDatabase)
        {
            return id is null ? new StatusReport { JobCounts = new Dictionary<JobStatus, int>(), Runs = [] } : new StatusReport { Found = false };
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        if (id is null)
        {
            return new StatusReport { JobCounts = await store.CountJobsAsync(cancellationToken), Runs = await store.ListRunsAsync(10, cancellationToken) };
        }

        if (await store.GetJobAsync(id, cancellationToken) is { } job)
        {
            return new StatusReport { Job = job, Attempts = await store.ListAttemptsAsync(job.Id, cancellationToken) };
        }

        if (await store.GetRunAsync(id, cancellationToken) is { } run)
        {
            return new StatusReport
            {
                Run = run,
                Workstreams = await store.ListWorkstreamsAsync(run.Id, cancellationToken),
                Jobs = await store.ListJobsAsync(new JobQuery(RunId: run.Id), cancellationToken),
            };
        }

        return new StatusReport { Found = false };
    }

    /// <summary>True when <paramref name="id"/> names a run or a job.</summary>
    public async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            return false;
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        return await store.GetJobAsync(id, cancellationToken) is not null || await store.GetRunAsync(id, cancellationToken) is not null;
    }

    /// <summary>
    /// The event log, whole or one run's or job's, after <paramref name="afterId"/>. With <paramref name="follow"/>, keeps
    /// polling until the run or job ends or <paramref name="cancellationToken"/> fires (which ends the stream, not an error).
    /// </summary>
    public async IAsyncEnumerable<EventRecord> EventsAsync(string? subject, long afterId, bool follow, TimeSpan pollInterval,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            yield break;
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        var last = afterId;
        while (true)
        {
            IReadOnlyList<EventRecord> batch;
            do
            {
                batch = await store.ReadEventsAsync(subject, last, 1000, cancellationToken);
                foreach (var e in batch)
                {
                    last = e.Id;
                    yield return e;
                }
            }
            while (batch.Count == 1000);

            if (!follow || (subject is not null && await IsFinishedAsync(store, subject, cancellationToken)))
            {
                yield break;
            }

            try
            {
                await Task.Delay(pollInterval, _engine.Time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C is how a follow ends.
                yield break;
            }
        }
    }

    /// <summary>The cost ledger totalled per run, workstream, phase and tool; <see langword="null"/> when <paramref name="runId"/> names no run.</summary>
    public async Task<CostReport?> CostsAsync(string? runId, CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            return runId is null ? CostReport.From([]) : null;
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        if (runId is not null && await store.GetRunAsync(runId, cancellationToken) is null)
        {
            return null;
        }

        return CostReport.From(await store.ListCostsAsync(runId, cancellationToken));
    }

    private static async Task<bool> IsFinishedAsync(IStateStore store, string subject, CancellationToken ct)
    {
        if (await store.GetJobAsync(subject, ct) is { } job)
        {
            return job.Status is not (JobStatus.Queued or JobStatus.Running);
        }

        return await store.GetRunAsync(subject, ct) is { Status: not RunStatus.Running };
    }
}
