using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.retry_scheduled</c>: An attempt failed and another follows after a delay.</summary>
public sealed record JobRetryScheduled(int Attempt, long DelayMs) : OrchEvent
{
    /// <summary>The kind: <c>job.retry_scheduled</c>.</summary>
    public const string KindName = "job.retry_scheduled";

    [JsonIgnore]
    public override string Kind => KindName;
}
