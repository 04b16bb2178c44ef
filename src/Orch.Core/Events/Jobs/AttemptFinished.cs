using System.Text.Json.Serialization;
using Orch.Abstractions.Events;
using Orch.Core.Jobs;

namespace Orch.Core.Events;

/// <summary><c>attempt.finished</c>: One try of a job ended.</summary>
public sealed record AttemptFinished(int Attempt, JobStatus Status, int? ExitCode, string? Error) : OrchEvent
{
    /// <summary>The kind: <c>attempt.finished</c>.</summary>
    public const string KindName = "attempt.finished";

    [JsonIgnore]
    public override string Kind => KindName;
}
