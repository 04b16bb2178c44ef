using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.started</c>: A workstream started in its worktree.</summary>
public sealed record WorkstreamStarted(string Workstream, string Worktree) : OrchEvent
{
    /// <summary>The kind: <c>workstream.started</c>.</summary>
    public const string KindName = "workstream.started";

    [JsonIgnore]
    public override string Kind => KindName;
}
