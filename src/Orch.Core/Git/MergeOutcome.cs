namespace Orch.Core.Git;

/// <summary>How merging a workstream branch back went; on a conflict the merge was aborted.</summary>
public sealed record MergeOutcome(bool Merged, IReadOnlyList<string> ConflictingFiles, string Message);
