namespace Orch.Core.Git;

/// <summary>What became of a workstream's worktree and branch. Stored in snake_case.</summary>
public enum WorktreeStatus
{
    /// <summary>In use by a run.</summary>
    Active,

    /// <summary>Its branch was merged.</summary>
    Merged,

    /// <summary>Merging its branch failed.</summary>
    Failed,

    /// <summary>Cleanup removed the worktree and its branch.</summary>
    Removed,

    /// <summary>Cleanup removed the worktree but kept the unmerged branch.</summary>
    BranchKept,
}
