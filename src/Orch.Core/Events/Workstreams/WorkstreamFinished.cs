using System.Text.Json.Serialization;
using Orch.Abstractions.Events;
using Orch.Core.Workflow;

namespace Orch.Core.Events;

/// <summary><c>workstream.finished</c>: A workstream stopped, with the reason.</summary>
public sealed record WorkstreamFinished(string Workstream, WorkstreamStatus Status, StopReason StopReason, int Attempts, string? Detail, decimal? SpentUsd = null) : OrchEvent
{
    /// <summary>The kind: <c>workstream.finished</c>.</summary>
    public const string KindName = "workstream.finished";

    [JsonIgnore]
    public override string Kind => KindName;
}
