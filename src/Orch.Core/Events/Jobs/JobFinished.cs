using System.Text.Json.Serialization;
using Orch.Abstractions.Events;
using Orch.Core.Jobs;

namespace Orch.Core.Events;

/// <summary><c>job.finished</c>: A job reached its final status; committed together with its result.</summary>
public sealed record JobFinished(JobStatus Status, int? ExitCode, int Attempts, string? Error, string? ErrorReport) : OrchEvent
{
    /// <summary>The kind: <c>job.finished</c>.</summary>
    public const string KindName = "job.finished";

    [JsonIgnore]
    public override string Kind => KindName;
}
