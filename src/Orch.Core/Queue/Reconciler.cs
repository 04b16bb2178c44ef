using Orch.Core.Events;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Storage;

namespace Orch.Core.Queue;

/// <summary>
/// Finds jobs marked running whose owner process is gone (a SIGKILL, a crash, a reboot), kills what the job left
/// running, and puts worker jobs back in the queue so each runs to completion exactly once more.
/// </summary>
public sealed class Reconciler
{
    /// <summary>A job that kept killing its owner is failed after this many recoveries. The default value is 3.</summary>
    public const int MaxRecoveries = 3;

    private readonly IJobStore _store;
    private readonly TimeProvider _time;
    private readonly Func<ProcessIdentity, bool> _isAlive;

    public Reconciler(IJobStore store, TimeProvider time, Func<ProcessIdentity, bool>? isAlive = null)
    {
        _store = store;
        _time = time;
        _isAlive = isAlive ?? ProcessInfo.IsAlive;
    }

    /// <summary>
    /// Where a job's exit ledger is when that is not its stored repository: a handed-over workstream runs in the
    /// worker's own clone (<see cref="Worker.HandOver"/>), so its shell wrote the ledger there. <see langword="null"/>
    /// (the default) or a <see langword="null"/> answer means the stored repository.
    /// </summary>
    public Func<JobRecord, string?>? LedgerRootOf { get; init; }

    /// <summary>Requeues or fails the jobs of dead owners; returns how many it changed.</summary>
    public async Task<int> ReconcileAsync(WorkerIdentity self, CancellationToken cancellationToken)
    {
        var changed = 0;
        var deadLedgers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in await _store.ListJobsAsync(new JobQuery(JobStatus.Running, Limit: 10_000), cancellationToken))
        {
            if (job.Owner is not { } owner || owner.Id == self.Id || !IsDead(owner, self))
            {
                continue;
            }

            // The owner's session leader may outlive it; kill it first so the job cannot finish twice.
            var orphanAlive = job.Process is { } orphan && _isAlive(orphan);
            if (orphanAlive)
            {
                ProcessInfo.KillGroup(job.Process!.ProcessId);
            }

            // The job finished after its worker died: its shell left the exit code, so it completed, exactly once.
            var ledger = ExitLedger.PathFor(LedgerRootOf?.Invoke(job) ?? job.Spec.RepositoryRoot, owner.Id);
            deadLedgers.Add(ledger);
            if (!orphanAlive && ExitLedger.Find(ledger, ExitLedger.KeyFor(job.Id, job.Recoveries)) is { } exitCode)
            {
                var succeeded = job.Spec.SuccessExitCodes.Count == 0 || job.Spec.SuccessExitCodes.Contains(exitCode);
                await _store.CompleteJobAsync(new JobCompletion
                {
                    JobId = job.Id,
                    Status = succeeded ? JobStatus.Succeeded : JobStatus.Failed,
                    ExitCode = exitCode,
                    Error = succeeded ? null : $"exit code {exitCode} (finished after its worker died)",
                    Events = [EventEnvelope.Of(new JobRecovered($"finished after owner {owner.Id} died", ExitCode: exitCode)
                        { Timestamp = _time.GetUtcNow(), RunId = job.RunId, JobId = job.Id })],
                }, cancellationToken);
                changed++;
                continue;
            }

            if (owner.Id.StartsWith(OwnerIdentity.WorkerPrefix, StringComparison.Ordinal) && job.Recoveries < MaxRecoveries)
            {
                if (await _store.RequeueJobAsync(job.Id, owner.Id, $"owner {owner.Id} is no longer running", cancellationToken))
                {
                    changed++;
                }

                continue;
            }

            var reason = job.Recoveries >= MaxRecoveries
                ? $"abandoned after {job.Recoveries} recoveries: its owner died each time"
                : $"the dotnet orch process that ran it ({owner.Id}) died before the job ended";
            await _store.CompleteJobAsync(new JobCompletion
            {
                JobId = job.Id,
                Status = JobStatus.Failed,
                Error = reason,
                Events = [EventEnvelope.Of(new JobAbandoned { Timestamp = _time.GetUtcNow(), RunId = job.RunId, JobId = job.Id })],
            }, cancellationToken);
            changed++;
        }

        // Every job of those dead workers is settled now; nothing will read their ledgers again.
        foreach (var ledger in deadLedgers)
        {
            ExitLedger.Delete(ledger);
        }

        return changed;
    }

    // Only owners on this machine can be checked; others are left to their own host's workers.
    private bool IsDead(WorkerIdentity owner, WorkerIdentity self) =>
        string.Equals(owner.Host, self.Host, StringComparison.Ordinal) && !_isAlive(owner.Process);
}
