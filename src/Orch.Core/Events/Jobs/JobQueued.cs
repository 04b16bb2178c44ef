using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.queued</c>: A job entered the queue.</summary>
public sealed record JobQueued(string Name, string Tool) : OrchEvent
{
    /// <summary>The kind: <c>job.queued</c>.</summary>
    public const string KindName = "job.queued";

    [JsonIgnore]
    public override string Kind => KindName;
}
