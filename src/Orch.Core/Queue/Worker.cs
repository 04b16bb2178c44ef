using System.Collections.Concurrent;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Storage;

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
        var outcomes = new List<JobOutcome>();
        // A slot that fails (a full disk, a damaged database) stops the others, whose jobs go back to the queue.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var slots = Enumerable.Range(0, Math.Max(1, _options.Parallel)).Select(async _ =>
        {
            try
            {
                await RunSlotAsync(outcomes, stop.Token);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                await stop.CancelAsync();
                throw;
            }
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

    private async Task RunSlotAsync(List<JobOutcome> outcomes, CancellationToken cancellationToken)
    {
        var lastReconcile = _time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            var job = await _store.ClaimNextJobAsync(Identity, cancellationToken);
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

                await Task.Delay(_options.PollInterval, _time, cancellationToken);
                continue;
            }

            _repositories.TryAdd(job.Spec.RepositoryRoot, 0);
            var outcome = await _lifecycle.RunClaimedAsync(job, cancellationToken);
            lock (outcomes)
            {
                outcomes.Add(outcome);
            }

            if (outcome.Status is JobStatus.Cancelled or JobStatus.Queued)
            {
                return;
            }
        }
    }
}
