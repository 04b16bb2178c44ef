using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.reset</c>: Resume reset a worktree to its last checkpoint.</summary>
public sealed record WorkstreamReset(string Workstream, string Checkpoint) : OrchEvent
{
    /// <summary>The kind: <c>workstream.reset</c>.</summary>
    public const string KindName = "workstream.reset";

    [JsonIgnore]
    public override string Kind => KindName;
}
