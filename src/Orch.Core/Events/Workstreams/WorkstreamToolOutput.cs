using System.Text.Json.Serialization;
using Orch.Abstractions.Events;
using Orch.Core.Workflow;

namespace Orch.Core.Events;

/// <summary><c>workstream.tool_output</c>: The last lines an edit tool printed, and what it said it did.</summary>
public sealed record WorkstreamToolOutput(string Workstream, string Tool, PhaseName Phase, int Attempt, IReadOnlyList<string> Lines, string? Summary = null) : OrchEvent
{
    /// <summary>The kind: <c>workstream.tool_output</c>.</summary>
    public const string KindName = "workstream.tool_output";

    [JsonIgnore]
    public override string Kind => KindName;
}
