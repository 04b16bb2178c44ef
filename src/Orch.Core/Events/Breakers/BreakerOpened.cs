using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>breaker.opened</c>: A tool's circuit breaker opened after repeated failures.</summary>
public sealed record BreakerOpened(string Tool, double BreakSeconds) : OrchEvent
{
    /// <summary>The kind: <c>breaker.opened</c>.</summary>
    public const string KindName = "breaker.opened";

    [JsonIgnore]
    public override string Kind => KindName;
}
