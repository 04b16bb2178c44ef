namespace Orch.Core.Application;

/// <summary>What cleanup removed, and which branches it kept because they hold unmerged commits.</summary>
public sealed record CleanupResult(IReadOnlyList<CleanupResult.Removed> RemovedWorktrees, IReadOnlyList<CleanupResult.Kept> KeptBranches)
{
    /// <summary>A worktree and its branch, removed.</summary>
    public sealed record Removed(string Branch, string Workstream, string Path);

    /// <summary>A branch kept, with the reason.</summary>
    public sealed record Kept(string Branch, string Workstream, string Reason);
}
