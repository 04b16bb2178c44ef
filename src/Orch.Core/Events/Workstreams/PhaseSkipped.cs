using System.Text.Json.Serialization;
using Orch.Abstractions.Events;
using Orch.Core.Workflow;

namespace Orch.Core.Events;

/// <summary><c>phase.skipped</c>: A phase had nothing to run.</summary>
public sealed record PhaseSkipped(string Workstream, PhaseName Phase, string Reason) : OrchEvent
{
    /// <summary>The kind: <c>phase.skipped</c>.</summary>
    public const string KindName = "phase.skipped";

    [JsonIgnore]
    public override string Kind => KindName;
}
