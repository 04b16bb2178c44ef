using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.checkpoint</c>: A phase's change was committed as a checkpoint.</summary>
public sealed record WorkstreamCheckpoint(string Workstream, string Label, string Commit) : OrchEvent
{
    /// <summary>The kind: <c>workstream.checkpoint</c>.</summary>
    public const string KindName = "workstream.checkpoint";

    [JsonIgnore]
    public override string Kind => KindName;
}
