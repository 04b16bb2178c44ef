using Orch.Abstractions.Adapters;
using Orch.Abstractions.Events;
using Orch.Core.Routing;

namespace Orch.Core.Events;

/// <summary><c>routing.decided</c>: The router picked the edit tool for a workstream by capability.</summary>
[EventKind("routing.decided")]
public sealed record RoutingDecided(string Workstream, Capability Capability, string? Tool, string Why, IReadOnlyList<SkippedTool> Skipped) : OrchEvent;
