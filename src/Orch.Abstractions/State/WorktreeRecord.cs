namespace Orch.Abstractions.State;

/// <summary>A git worktree Orch created for a workstream.</summary>
/// <param name="Path">Its folder.</param>
/// <param name="RunId">The run.</param>
/// <param name="WorkstreamId">The workstream.</param>
/// <param name="Branch">Its branch.</param>
/// <param name="BaseSha">The commit it started from.</param>
/// <param name="LastCheckpoint">The newest checkpoint commit, or <see langword="null"/> before the first.</param>
/// <param name="Status">active, merged, failed, branch_kept (worktree gone, unmerged branch left) or removed.</param>
public sealed record WorktreeRecord(string Path, string RunId, string WorkstreamId, string Branch, string BaseSha, string? LastCheckpoint, string Status);
