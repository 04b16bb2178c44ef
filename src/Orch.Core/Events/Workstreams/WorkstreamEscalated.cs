using System.Text.Json.Serialization;
using Orch.Abstractions.Events;
using Orch.Core.Workflow;

namespace Orch.Core.Events;

/// <summary><c>workstream.escalated</c>: A FIX loop handed over to the next tool of the escalation chain.</summary>
public sealed record WorkstreamEscalated(string Workstream, PhaseName Phase, string From, string To) : OrchEvent
{
    /// <summary>The kind: <c>workstream.escalated</c>.</summary>
    public const string KindName = "workstream.escalated";

    [JsonIgnore]
    public override string Kind => KindName;
}
