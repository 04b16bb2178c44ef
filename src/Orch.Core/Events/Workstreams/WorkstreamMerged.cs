using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.merged</c>: A workstream's branch was merged.</summary>
public sealed record WorkstreamMerged(string Workstream, string Branch) : OrchEvent
{
    /// <summary>The kind: <c>workstream.merged</c>.</summary>
    public const string KindName = "workstream.merged";

    [JsonIgnore]
    public override string Kind => KindName;
}
