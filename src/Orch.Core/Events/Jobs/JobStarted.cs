using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.started</c>: A job was marked running by its owner, before its process started.</summary>
public sealed record JobStarted(string Name, string Tool, string Owner) : OrchEvent
{
    /// <summary>The kind: <c>job.started</c>.</summary>
    public const string KindName = "job.started";

    [JsonIgnore]
    public override string Kind => KindName;
}
