using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>breaker.closed</c>: A tool's breaker closed again.</summary>
public sealed record BreakerClosed(string Tool) : OrchEvent
{
    /// <summary>The kind: <c>breaker.closed</c>.</summary>
    public const string KindName = "breaker.closed";

    [JsonIgnore]
    public override string Kind => KindName;
}
