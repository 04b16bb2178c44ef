using Orch.Core.Planning;
using Orch.Core.Storage;

namespace Orch.Core.Workflow;

/// <summary>Where and as whom one workstream runs.</summary>
public sealed record WorkstreamContext
{
    public required string RunId { get; init; }

    public required WorkstreamSpec Spec { get; init; }

    /// <summary>The user's repository, where logs and state live.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Where the workstream's tools run: its own worktree, or the repository itself with --no-worktree.</summary>
    public required string Worktree { get; init; }

    /// <summary>The commit the workstream's code stands at now: its last checkpoint, or the run's base.</summary>
    public required string Checkpoint { get; init; }

    /// <summary>
    /// The commit the workstream started from. What fails there already is its baseline, and only the files it changed
    /// since are its own.
    /// </summary>
    public required string BaseCommit { get; init; }

    /// <summary>Prompts, findings and test results of this workstream, outside the worktree so they never count as changes.</summary>
    public required string StateDirectory { get; init; }

    public required WorkerIdentity Owner { get; init; }

    /// <summary>The run's budget from <c>--budget</c>, when given.</summary>
    public decimal? RunBudgetUsd { get; init; }

    /// <summary>
    /// Told each checkpoint commit before the phase that made it is recorded, so a record never names a commit only
    /// this host has: a workstream on a worker host pushes it to the shared remote here.
    /// </summary>
    public Func<string, CancellationToken, Task>? PublishCheckpoint { get; init; }
}
