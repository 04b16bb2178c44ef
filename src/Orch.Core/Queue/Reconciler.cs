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
        var deadLedgers = new Dictionary<string, LedgerContents>(StringComparer.Ordinal);
        var stopped = new HashSet<string>(StringComparer.Ordinal);
        var running = await _store.ListJobsAsync(new JobQuery(JobStatus.Running, Limit: 10_000), cancellationToken);
        foreach (var job in running)
        {
            if (job.Owner is not { } owner || owner.Id == self.Id || !IsDead(owner, self))
            {
                continue;
            }

            var ledger = ExitLedger.PathFor(LedgerRootOf?.Invoke(job) ?? job.Spec.RepositoryRoot, owner.Id);
            if (!deadLedgers.TryGetValue(ledger, out var contents))
            {
                // Read once the supervisor has ended, so that it holds every exit its jobs will have.
                await SettleSupervisorAsync(ledger, running.Where(j => j.Owner?.Id == owner.Id), stopped, cancellationToken);
                deadLedgers[ledger] = contents = ExitLedger.Read(ledger);
            }

            var key = ExitLedger.KeyFor(job.Id, job.Recoveries);
            // The owner's session leader may outlive it; kill it first so the job cannot finish twice. A supervised job's
            // process is in the ledger, not the database.
            var process = ProcessOf(job, contents);
            var orphanAlive = stopped.Contains(job.Id) || (process is { } orphan && _isAlive(orphan));
            if (orphanAlive && process is not null)
            {
                ProcessInfo.KillGroup(process.ProcessId);
            }

            // The job finished after its worker died: its supervisor (or shell) left the exit code, so it completed, exactly once.
            if (!orphanAlive && contents.Exits.TryGetValue(key, out var exitCode))
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
        foreach (var ledger in deadLedgers.Keys)
        {
            ExitLedger.Delete(ledger);
        }

        return changed;
    }

    // A job's process: the database's, or for a supervised job the ledger's start line.
    private static ProcessIdentity? ProcessOf(JobRecord job, LedgerContents ledger) =>
        job.Process ?? (ledger.Starts.TryGetValue(ExitLedger.KeyFor(job.Id, job.Recoveries), out var started) ? started : null);

    /// <summary>
    /// A dead worker's job supervisor (<see cref="JobSupervisor"/>) may still be running its jobs and writing their exits:
    /// stop those jobs (<paramref name="stopped"/>, to be run again), and wait until it has written the last exit and ended,
    /// so the ledger is whole before anyone reads it.
    /// </summary>
    private async Task SettleSupervisorAsync(string ledger, IEnumerable<JobRecord> jobs, HashSet<string> stopped, CancellationToken cancellationToken)
    {
        var contents = ExitLedger.Read(ledger);
        if (contents.Supervisor is not { } supervisor || !_isAlive(supervisor))
        {
            return;
        }

        foreach (var job in jobs)
        {
            if (ProcessOf(job, contents) is { } process && _isAlive(process))
            {
                ProcessInfo.KillGroup(process.ProcessId);
                stopped.Add(job.Id);
            }
        }

        var since = _time.GetTimestamp();
        while (_isAlive(supervisor))
        {
            if (_time.GetElapsedTime(since) > SupervisorGrace)
            {
                // Whatever it still waits for is not one of its jobs any more.
                ProcessInfo.KillGroup(supervisor.ProcessId);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
        }
    }

    /// <summary>How long a dead worker's supervisor gets to record its stopped jobs and end. The default value is 5 seconds.</summary>
    private static readonly TimeSpan SupervisorGrace = TimeSpan.FromSeconds(5);

    // Only owners on this machine can be checked; others are left to their own host's workers.
    private bool IsDead(WorkerIdentity owner, WorkerIdentity self) =>
        string.Equals(owner.Host, self.Host, StringComparison.Ordinal) && !_isAlive(owner.Process);
}
