using Orch.Abstractions.Events;
using Orch.Core.Workflow;

namespace Orch.Core.Events;

/// <summary><c>workstream.tool_output</c>: The last lines an edit tool printed, and what it said it did.</summary>
[EventKind("workstream.tool_output")]
public sealed record WorkstreamToolOutput(string Workstream, string Tool, PhaseName Phase, int Attempt, IReadOnlyList<string> Lines, string? Summary = null) : OrchEvent;
