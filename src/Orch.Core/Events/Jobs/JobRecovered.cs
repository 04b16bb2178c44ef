using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.recovered</c>: A job whose owner died was put back in the queue, or completed from the exit code it left.</summary>
public sealed record JobRecovered(string Reason, string? PreviousOwner = null, int? ExitCode = null) : OrchEvent
{
    /// <summary>The kind: <c>job.recovered</c>.</summary>
    public const string KindName = "job.recovered";

    [JsonIgnore]
    public override string Kind => KindName;
}
