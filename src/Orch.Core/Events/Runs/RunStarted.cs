using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>run.started</c>: A run was created.</summary>
public sealed record RunStarted([property: JsonPropertyName("kind")] string RunKind, string? Source) : OrchEvent
{
    /// <summary>The kind: <c>run.started</c>.</summary>
    public const string KindName = "run.started";

    [JsonIgnore]
    public override string Kind => KindName;
}
