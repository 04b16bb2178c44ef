using System.Collections.Concurrent;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Workflow.Distribution;

namespace Orch.Core.Queue;

/// <summary>Takes jobs from the queue and runs them, several at once; two workers never take the same job.</summary>
public sealed class Worker
{
    private readonly IJobStore _store;
    private readonly JobLifecycle _lifecycle;
    private readonly Reconciler _reconciler;
    private readonly TimeProvider _time;
    private readonly WorkerOptions _options;
    private readonly ConcurrentDictionary<string, byte> _repositories = new(StringComparer.Ordinal);

    public Worker(IJobStore store, JobLifecycle lifecycle, Reconciler reconciler, TimeProvider time, WorkerOptions options)
    {
        _store = store;
        _lifecycle = lifecycle;
        _reconciler = reconciler;
        _time = time;
        _options = options;
        Identity = OwnerIdentity.Worker();
    }

    public WorkerIdentity Identity { get; }

    public async Task<IReadOnlyList<JobOutcome>> RunAsync(CancellationToken cancellationToken)
    {
        await _reconciler.ReconcileAsync(Identity, cancellationToken);
        await using var leases = new LeaseKeeper((job, ct) => _store.RenewLeaseAsync(job.Id, job.Fence, _options.Lease, ct), _time, _options.Lease,
            id => LeaseLost?.Invoke(id));
        var outcomes = new List<JobOutcome>();
        // A slot that fails (a full disk, a damaged database) stops the others, whose jobs go back to the queue.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var slots = Enumerable.Range(0, Math.Max(1, _options.Parallel)).Select(slot =>
        {
            async Task RunAsync()
            {
                try
                {
                    await RunSlotAsync(outcomes, leases, stop.Token);
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    await stop.CancelAsync();
                    throw;
                }
            }

            return Channels?.Invoke() is { } channel ? SlotThread.Run($"orch slot {slot}", channel, RunAsync) : RunAsync();
        }).ToList();
        try
        {
            await Task.WhenAll(slots);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Another slot's failure cancelled this one; that failure is the one to report.
        }
        finally
        {
            if (!slots.Any(s => s.IsFaulted && s.Exception!.InnerException is not OperationCanceledException))
            {
                // Each job it took is recorded or back in the queue: no one needs its exit codes.
                foreach (var root in _repositories.Keys)
                {
                    ExitLedger.Delete(ExitLedger.PathFor(root, Identity.Id));
                }
            }
        }

        var failed = slots.Where(s => s.IsFaulted).Select(s => s.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
        if (failed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }

        return outcomes;
    }

    private async Task RunSlotAsync(List<JobOutcome> outcomes, LeaseKeeper leases, CancellationToken cancellationToken)
    {
        var lastReconcile = _time.GetTimestamp();
        var lastRescue = 0L;
        var outage = 0;
        JobRecord? next = null;
        // A job claimed with the last one's result is run even when the worker is stopping: it goes back to the queue as a
        // stopped worker's jobs do.
        while (next is not null || !cancellationToken.IsCancellationRequested)
        {
            JobRecord? job;
            try
            {
                job = next ?? await _store.ClaimNextJobAsync(Identity, _options.Lease, cancellationToken);
                next = null;
                if (job is null)
                {
                    if (_options.Drain)
                    {
                        return;
                    }

                    if (_time.GetElapsedTime(lastReconcile) >= _options.ReconcileInterval)
                    {
                        await _reconciler.ReconcileAsync(Identity, cancellationToken);
                        lastReconcile = _time.GetTimestamp();
                    }

                    // Leases are the only news of a worker on another host dying: look as often as half a lease.
                    if (_time.GetElapsedTime(lastRescue) >= _options.Lease / 2)
                    {
                        await _store.RescueExpiredLeasesAsync(Reconciler.MaxRecoveries, cancellationToken);
                        lastRescue = _time.GetTimestamp();
                    }

                    await _store.WaitForJobsAsync(_options.PollInterval, cancellationToken);
                    outage = 0;
                    continue;
                }

                outage = 0;
            }
            catch (StateDatabaseException ex) when (ex.Fault == StateDatabaseFault.Unavailable)
            {
                // The database server is out of reach: wait, longer each time up to OutageBackoff's last step, and try again.
                Unavailable?.Invoke(ex.Message);
                await Task.Delay(OutageBackoff[Math.Min(outage++, OutageBackoff.Length - 1)], _time, cancellationToken);
                continue;
            }

            Diagnostics.CrashPoints.Hit(Diagnostics.CrashPoints.AfterClaim);
            // A handed-over workstream runs as this host's Orch, in this host's clone; the stored job stays as queued.
            var runtime = HandOver is { } handOver && WorkstreamJob.Is(job) ? handOver(job) : null;
            if (runtime is not null)
            {
                job = job with { Spec = JobSecrets.Redacted(runtime) };
            }

            _repositories.TryAdd(job.Spec.RepositoryRoot, 0);
            using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            JobOutcome outcome;
            var claim = new NextClaim(Identity, _options.Lease, () => !cancellationToken.IsCancellationRequested);
            try
            {
                using (leases.Keep(job, lost))
                {
                    outcome = await _lifecycle.RunClaimedAsync(job, runtime, claim, lost.Token);
                }

                next = claim.Claimed;
            }
            catch (StateDatabaseException) when (lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The database went out of reach and the lease with it: the job is another worker's to finish.
                outcome = new JobOutcome(job.Id, job.Spec.Name, JobStatus.Cancelled, null, [], "lost its lease while the database was out of reach", [], "", null) { Lost = true };
            }

            lock (outcomes)
            {
                outcomes.Add(outcome);
            }

            if (!outcome.Lost && outcome.Status is JobStatus.Cancelled or JobStatus.Queued)
            {
                return;
            }
        }
    }

    /// <summary>Delays between tries while the database is out of reach.</summary>
    private static readonly TimeSpan[] OutageBackoff =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    /// <summary>
    /// Makes each slot's channel to the worker's job supervisor: the slot then runs on a thread of its own and waits for
    /// its jobs there (<see cref="SlotThread"/>); <see langword="null"/> runs the slots as tasks on the thread pool.
    /// </summary>
    internal Func<SupervisorChannel?>? Channels { get; init; }

    /// <summary>What to run for a job that hands over a workstream (<see cref="WorkstreamJob"/>), on this host.</summary>
    public Func<JobRecord, JobSpec>? HandOver { get; init; }

    /// <summary>Told, each time, why the database could not be reached; the worker keeps trying.</summary>
    public Action<string>? Unavailable { get; set; }

    /// <summary>Told the id of each job whose lease this worker lost.</summary>
    public Action<string>? LeaseLost { get; set; }
}
