using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>breaker.half_opened</c>: A tool's breaker lets one probe call through.</summary>
public sealed record BreakerHalfOpened(string Tool) : OrchEvent
{
    /// <summary>The kind: <c>breaker.half_opened</c>.</summary>
    public const string KindName = "breaker.half_opened";

    [JsonIgnore]
    public override string Kind => KindName;
}
