using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.merge_conflict</c>: Merging a workstream conflicted; the merge was aborted.</summary>
[EventKind("workstream.merge_conflict")]
public sealed record WorkstreamMergeConflict(string Workstream, string Branch, IReadOnlyList<string> Files) : OrchEvent;
