using System.Text.Json.Serialization;
using Orch.Abstractions.Events;
using Orch.Core.Storage;

namespace Orch.Core.Events;

/// <summary><c>run.finished</c>: A run ended.</summary>
public sealed record RunFinished(RunStatus Status, string? StopReason) : OrchEvent
{
    /// <summary>The kind: <c>run.finished</c>.</summary>
    public const string KindName = "run.finished";

    [JsonIgnore]
    public override string Kind => KindName;
}
