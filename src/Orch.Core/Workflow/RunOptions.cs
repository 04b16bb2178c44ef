namespace Orch.Core.Workflow;

/// <summary>How a plan runs. Stored with the run, so <c>resume</c> continues the same way.</summary>
public sealed record RunOptions
{
    /// <summary>Workstreams run at once (slots of the ready queue). The default value is 1.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Cancel everything at the first failure. The default value is <see langword="false"/>.</summary>
    public bool FailFast { get; init; }

    /// <summary>Each workstream in its own git worktree and branch. The default value is <see langword="true"/>.</summary>
    public bool UseWorktrees { get; init; } = true;

    /// <summary>Dollars the whole run may spend on AI jobs (<c>--budget</c>). The default value is the project's budget, if any.</summary>
    public decimal? BudgetUsd { get; init; }

    /// <summary>Merge successful branches back into the checked-out branch. The default value is <see langword="true"/>.</summary>
    public bool Merge { get; init; } = true;

    /// <summary>
    /// The shared git remote (a URL or a path every host can reach) through which workstreams are handed to workers
    /// (<c>--distribute</c>): each ready workstream is queued as a job, a worker on any host runs it in a worktree of
    /// its own and pushes each checkpoint there, and this process merges. The default value is <see langword="null"/>:
    /// workstreams run in this process.
    /// </summary>
    public string? Remote { get; init; }
}
