namespace Orch.Core.Storage;

/// <summary>Runs, their workstreams, phases, worktrees and findings: what `run`, `resume` and `status` read and write.</summary>
public interface IRunStore
{
    /// <summary>Creates a run in the <see cref="RunStatus.Running"/> state.</summary>
    /// <param name="kind">What started the run, for example <c>job</c> or <c>plan</c>.</param>
    /// <param name="source">The file or folder the run came from, for display.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored run.</returns>
    Task<RunRecord> CreateRunAsync(string kind, string? source, CancellationToken cancellationToken) => CreateRunAsync(kind, source, null, cancellationToken);

    /// <summary>Creates a run in the <see cref="RunStatus.Running"/> state with the options it needs to resume, in one transaction.</summary>
    /// <param name="kind">What started the run, for example <c>job</c> or <c>plan</c>.</param>
    /// <param name="source">The file or folder the run came from, for display.</param>
    /// <param name="optionsJson">The options <see cref="GetRunOptionsAsync"/> returns; no secrets. A crash can never leave the run without them.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored run.</returns>
    Task<RunRecord> CreateRunAsync(string kind, string? source, string? optionsJson, CancellationToken cancellationToken);

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

    /// <summary>Asks a running run to stop: the process running it sees the request and stops as on Ctrl-C.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when the request was recorded; false when the run is not running or was already asked.</returns>
    Task<bool> RequestCancelAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Each finished job of a run with the findings it reported, in the order the jobs were made.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The jobs, a check that found nothing included.</returns>
    Task<IReadOnlyList<CheckFindings>> ListCheckFindingsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Lists the newest runs first.</summary>
    /// <param name="limit">How many runs at most.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The runs.</returns>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken);

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

    /// <summary>Reads the findings of a run, deduplicated by signature, most frequent first.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The findings with their counts.</returns>
    Task<IReadOnlyList<FindingRecord>> ListFindingsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a lock every process using this database sees, and waits for it: merges into one branch take it, so they
    /// happen in one place at a time whichever host runs them. It is released when the result is disposed, or when its
    /// holder dies.
    /// </summary>
    /// <param name="name">What the lock guards, for example the branch merged into.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The held lock.</returns>
    Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken);
}
