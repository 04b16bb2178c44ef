using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>attempt.started</c>: One try of a job started.</summary>
public sealed record AttemptStarted(int Attempt) : OrchEvent
{
    /// <summary>The kind: <c>attempt.started</c>.</summary>
    public const string KindName = "attempt.started";

    [JsonIgnore]
    public override string Kind => KindName;
}
