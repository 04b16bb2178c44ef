using Orch.Abstractions.Model;

namespace Orch.Abstractions.State;

/// <summary>
/// Orch's durable state: runs, jobs, attempts, findings, events and costs. The default implementation is a
/// SQLite file shared by every <c>dotnet orch</c> process of a repository; a server database can replace it.
/// Implementations must let several processes use one store at once, and must never hand the same queued job
/// to two owners.
/// </summary>
public interface IStateStore : IAsyncDisposable
{
    /// <summary>Creates a run in the <see cref="RunStatus.Running"/> state.</summary>
    /// <param name="kind">What started the run, for example <c>job</c> or <c>plan</c>.</param>
    /// <param name="source">The file or folder the run came from, for display.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored run.</returns>
    Task<RunRecord> CreateRunAsync(string kind, string? source, CancellationToken cancellationToken);

    /// <summary>Marks a run finished.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="status">Its final status.</param>
    /// <param name="stopReason">Why it stopped, or <see langword="null"/> on success.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the change is committed.</returns>
    Task FinishRunAsync(string runId, RunStatus status, string? stopReason, CancellationToken cancellationToken);

    /// <summary>Reads one run.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The run, or <see langword="null"/> when there is none with that id.</returns>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Lists the newest runs first.</summary>
    /// <param name="limit">How many runs at most.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The runs.</returns>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken);

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

    /// <summary>Takes the oldest queued job for <paramref name="owner"/> and marks it running, atomically.</summary>
    /// <param name="owner">The worker taking the job.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claimed job, or <see langword="null"/> when the queue is empty.</returns>
    Task<JobRecord?> ClaimNextJobAsync(WorkerIdentity owner, CancellationToken cancellationToken);

    /// <summary>Records the process a running job started, so that a crashed owner's orphans can be found.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="process">The process's id and start time.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the change is committed.</returns>
    Task RecordProcessAsync(string jobId, ProcessIdentity process, CancellationToken cancellationToken);

    /// <summary>Stores a job's result, attempts, findings and events in one transaction.</summary>
    /// <param name="completion">What the job ended with.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the change is committed.</returns>
    Task CompleteJobAsync(JobCompletion completion, CancellationToken cancellationToken);

    /// <summary>Puts a running job whose owner died back in the queue, unless another process already did.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="expectedOwner">The owner id the job must still have.</param>
    /// <param name="reason">Why, for the event.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when this call requeued the job.</returns>
    Task<bool> RequeueJobAsync(string jobId, string expectedOwner, string reason, CancellationToken cancellationToken);

    /// <summary>Reads one job.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The job, or <see langword="null"/> when there is none with that id.</returns>
    Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Lists jobs, oldest first.</summary>
    /// <param name="query">Which jobs.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The jobs.</returns>
    Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken);

    /// <summary>Lists a job's attempts in order.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The attempts.</returns>
    Task<IReadOnlyList<AttemptRecord>> ListAttemptsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Appends events; events are never changed or removed.</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the events are committed.</returns>
    Task AppendEventsAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken);

    /// <summary>Reads events in the order they were stored.</summary>
    /// <param name="subjectId">A run or job id to filter by, or <see langword="null"/> for all events.</param>
    /// <param name="afterId">Only events with a larger id; 0 for all.</param>
    /// <param name="limit">How many events at most.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<EventRecord>> ReadEventsAsync(string? subjectId, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Counts jobs per status.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The count of each status that has jobs.</returns>
    Task<IReadOnlyDictionary<JobStatus, int>> CountJobsAsync(CancellationToken cancellationToken);

    /// <summary>Reads the findings of a run, deduplicated by signature, most frequent first.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The findings with their counts.</returns>
    Task<IReadOnlyList<FindingRecord>> ListFindingsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Stores options a run needs to resume, as a JSON object.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="optionsJson">The options; they must hold no secrets.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the change is committed.</returns>
    Task SetRunOptionsAsync(string runId, string optionsJson, CancellationToken cancellationToken);

    /// <summary>Reads the options stored with <see cref="SetRunOptionsAsync"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The JSON object, or <see langword="null"/>.</returns>
    Task<string?> GetRunOptionsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Marks a finished run as running again, for resume.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the change is committed.</returns>
    Task ReopenRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Creates or updates a workstream of a run, with an event.</summary>
    /// <param name="record">The workstream's state.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the change is committed.</returns>
    Task SaveWorkstreamAsync(WorkstreamRecord record, CancellationToken cancellationToken);

    /// <summary>Lists the workstreams of a run.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The workstreams, in the order they were first saved.</returns>
    Task<IReadOnlyList<WorkstreamRecord>> ListWorkstreamsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Creates or updates a phase of a workstream.</summary>
    /// <param name="record">The phase's state.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the change is committed.</returns>
    Task SavePhaseAsync(PhaseRecord record, CancellationToken cancellationToken);

    /// <summary>Lists the phases of a workstream in a run.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="workstreamId">The workstream.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The phases.</returns>
    Task<IReadOnlyList<PhaseRecord>> ListPhasesAsync(string runId, string workstreamId, CancellationToken cancellationToken);

    /// <summary>Creates or updates a worktree record.</summary>
    /// <param name="record">The worktree.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the change is committed.</returns>
    Task SaveWorktreeAsync(WorktreeRecord record, CancellationToken cancellationToken);

    /// <summary>Lists worktrees, all or one run's.</summary>
    /// <param name="runId">The run, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The worktrees.</returns>
    Task<IReadOnlyList<WorktreeRecord>> ListWorktreesAsync(string? runId, CancellationToken cancellationToken);

    /// <summary>Reads the cost ledger, all of it or one run's.</summary>
    /// <param name="runId">The run, or <see langword="null"/> for all runs.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ledger rows, oldest first.</returns>
    Task<IReadOnlyList<CostRecord>> ListCostsAsync(string? runId, CancellationToken cancellationToken);

    /// <summary>Sums the dollars spent, for budget checks.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="workstreamId">Only this workstream's, or <see langword="null"/>.</param>
    /// <param name="phase">Only this phase's, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The total in dollars.</returns>
    Task<decimal> SumCostAsync(string runId, string? workstreamId, string? phase, CancellationToken cancellationToken);
}
