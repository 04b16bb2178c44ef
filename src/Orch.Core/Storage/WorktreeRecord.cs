using Orch.Core.Git;

namespace Orch.Core.Storage;

/// <summary>A workstream's worktree and branch as stored.</summary>
public sealed record WorktreeRecord(string Path, string RunId, string WorkstreamId, string Branch, string BaseSha, string? LastCheckpoint, WorktreeStatus Status);
