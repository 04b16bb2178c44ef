using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.merge_conflict</c>: Merging a workstream conflicted; the merge was aborted.</summary>
public sealed record WorkstreamMergeConflict(string Workstream, string Branch, IReadOnlyList<string> Files) : OrchEvent
{
    /// <summary>The kind: <c>workstream.merge_conflict</c>.</summary>
    public const string KindName = "workstream.merge_conflict";

    [JsonIgnore]
    public override string Kind => KindName;
}
