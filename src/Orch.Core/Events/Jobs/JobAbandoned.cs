using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.abandoned</c>: A job whose owner died was failed because it cannot run again.</summary>
public sealed record JobAbandoned : OrchEvent
{
    /// <summary>The kind: <c>job.abandoned</c>.</summary>
    public const string KindName = "job.abandoned";

    [JsonIgnore]
    public override string Kind => KindName;
}
