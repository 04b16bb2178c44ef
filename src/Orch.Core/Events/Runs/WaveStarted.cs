using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>wave.started</c>: A wave of the plan (for people; scheduling is by dependencies) started.</summary>
public sealed record WaveStarted(int Wave, IReadOnlyList<string> Workstreams) : OrchEvent
{
    /// <summary>The kind: <c>wave.started</c>.</summary>
    public const string KindName = "wave.started";

    [JsonIgnore]
    public override string Kind => KindName;
}
