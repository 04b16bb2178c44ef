using Orch.Core.Jobs;

namespace Orch.Core.Storage;

/// <summary>The job queue role. Jobs and their attempts: the durable queue workers claim from, and the record of jobs run at once. Never hands one queued job to two owners.</summary>
public interface IJobStore
{
    /// <summary>Adds jobs to the queue in one transaction, each with a <see cref="JobStatus.Queued"/> event.</summary>
    /// <param name="runId">The run the jobs belong to, or <see langword="null"/>.</param>
    /// <param name="specs">The jobs. They must hold no secret values.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored jobs, in the order given.</returns>
    Task<IReadOnlyList<JobRecord>> EnqueueJobsAsync(string? runId, IReadOnlyList<JobSpec> specs, CancellationToken cancellationToken);

    /// <summary>Stores a job that its caller runs at once, already <see cref="JobStatus.Running"/>; committed before any process starts.</summary>
    /// <param name="runId">The run the job belongs to, or <see langword="null"/>.</param>
    /// <param name="spec">The job. It must hold no secret values.</param>
    /// <param name="owner">The process that runs it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored job.</returns>
    Task<JobRecord> StartJobAsync(string? runId, JobSpec spec, WorkerIdentity owner, CancellationToken cancellationToken);

    /// <summary>Takes the oldest queued job for <paramref name="owner"/> and marks it running, atomically, without a lease.</summary>
    /// <param name="owner">The worker taking the job.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claimed job, or <see langword="null"/> when the queue is empty.</returns>
    Task<JobRecord?> ClaimNextJobAsync(WorkerIdentity owner, CancellationToken cancellationToken) => ClaimNextJobAsync(owner, null, cancellationToken);

    /// <summary>
    /// Takes the oldest queued job for <paramref name="owner"/> in one statement: marks it running, raises its fencing
    /// token (<see cref="JobRecord.Fence"/>) and, with a <paramref name="lease"/>, sets the lease's end by the database's
    /// clock. Two owners never get the same job.
    /// </summary>
    /// <param name="owner">The worker taking the job.</param>
    /// <param name="lease">How long the claim holds without <see cref="RenewLeaseAsync"/>; <see langword="null"/> for a claim only a dead owner's reconciler releases.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claimed job, or <see langword="null"/> when the queue is empty.</returns>
    Task<JobRecord?> ClaimNextJobAsync(WorkerIdentity owner, TimeSpan? lease, CancellationToken cancellationToken);

    /// <summary>
    /// Guards every later write of this store, of any role, with a job's fencing token: each commits only while job
    /// <paramref name="jobId"/> is running under <paramref name="fence"/>, checked in the write's own transaction. A
    /// process that does work on behalf of a claimed job (a workstream handed to a worker host) uses it, so nothing it
    /// writes after losing the job is recorded.
    /// </summary>
    /// <param name="jobId">The claimed job.</param>
    /// <param name="fence">The token its claim got.</param>
    /// <exception cref="JobFencedException">Thrown by each later write once the job is no longer the caller's.</exception>
    void FenceWrites(string jobId, long fence);

    /// <summary>Extends the lease of a job its caller still holds: the job is running and its fencing token is still <paramref name="fence"/>.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="fence">The token the caller's claim got.</param>
    /// <param name="lease">How long from now, by the database's clock.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when the job is no longer the caller's: it must stop the job's tool and record nothing.</returns>
    Task<bool> RenewLeaseAsync(string jobId, long fence, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Puts back in the queue every running job whose lease ended, checking each row's state in the statement that
    /// changes it, so a job that completed meanwhile is left alone. Each rescue counts as a recovery; a job past
    /// <paramref name="maxRecoveries"/> fails instead. Its old owner's fencing token no longer matches.
    /// </summary>
    /// <param name="maxRecoveries">Recoveries after which a job fails instead of running again.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The jobs rescued.</returns>
    Task<IReadOnlyList<string>> RescueExpiredLeasesAsync(int maxRecoveries, CancellationToken cancellationToken);

    /// <summary>Waits up to <paramref name="max"/> for new jobs: a server database says at once when some are queued; a file is polled.</summary>
    /// <param name="max">The longest wait.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes when jobs may be waiting.</returns>
    Task WaitForJobsAsync(TimeSpan max, CancellationToken cancellationToken);

    /// <summary>Records the process a running job started, so that a crashed owner's orphans can be found; only while its fencing token is <paramref name="fence"/>.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="fence">The token of the caller's claim.</param>
    /// <param name="process">The process's id and start time.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when the job is no longer the caller's.</returns>
    Task<bool> RecordProcessAsync(string jobId, long fence, ProcessIdentity process, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a job's result, attempts, findings and events in one transaction. With <see cref="JobCompletion.Fence"/>,
    /// only while the job is still the caller's; storing the same result again is harmless.
    /// </summary>
    /// <exception cref="JobFencedException">The job's fencing token moved on: another owner has it.</exception>
    /// <param name="completion">What the job ended with.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the change is committed.</returns>
    Task CompleteJobAsync(JobCompletion completion, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="completion"/> as <see cref="CompleteJobAsync"/> does and claims the next queued job for
    /// <paramref name="owner"/> as <see cref="ClaimNextJobAsync(WorkerIdentity, TimeSpan?, CancellationToken)"/> does, in
    /// one transaction where the store can: a worker that goes on to its next job writes once per job instead of twice.
    /// A completion refused (<see cref="JobFencedException"/>) claims nothing.
    /// </summary>
    /// <param name="completion">The result.</param>
    /// <param name="owner">The worker taking the next job.</param>
    /// <param name="lease">The next claim's lease, as for <see cref="ClaimNextJobAsync(WorkerIdentity, TimeSpan?, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The claimed job, or <see langword="null"/> when the queue is empty.</returns>
    async Task<JobRecord?> CompleteJobAndClaimNextAsync(JobCompletion completion, WorkerIdentity owner, TimeSpan? lease, CancellationToken cancellationToken)
    {
        await CompleteJobAsync(completion, cancellationToken);
        return await ClaimNextJobAsync(owner, lease, cancellationToken);
    }

    /// <summary>Puts a running job whose owner died back in the queue, unless another process already did.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="expectedOwner">The owner id the job must still have.</param>
    /// <param name="reason">Why, for the event.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when this call requeued the job.</returns>
    Task<bool> RequeueJobAsync(string jobId, string expectedOwner, string reason, CancellationToken cancellationToken) =>
        RequeueJobAsync(jobId, expectedOwner, null, reason, cancellationToken);

    /// <summary>Puts a running job back in the queue if it is still <paramref name="expectedOwner"/>'s under fencing token <paramref name="fence"/>.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="expectedOwner">The owner id the job must still have.</param>
    /// <param name="fence">The token the job must still have; <see langword="null"/> for any.</param>
    /// <param name="reason">Why, for the event.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when this call requeued the job.</returns>
    Task<bool> RequeueJobAsync(string jobId, string expectedOwner, long? fence, string reason, CancellationToken cancellationToken);

    /// <summary>Reads one job.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The job, or <see langword="null"/> when there is none with that id.</returns>
    Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Lists the newest jobs that match the query, at most its limit, oldest of them first.</summary>
    /// <param name="query">Which jobs.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The jobs.</returns>
    Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken);

    /// <summary>Lists a job's attempts in order.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The attempts.</returns>
    Task<IReadOnlyList<AttemptRecord>> ListAttemptsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Counts jobs per status.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The count of each status that has jobs.</returns>
    Task<IReadOnlyDictionary<JobStatus, int>> CountJobsAsync(CancellationToken cancellationToken);
}
