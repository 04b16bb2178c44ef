using Orch.Abstractions.Adapters;

namespace Orch.Core.Routing;

/// <summary>The tool the router picked for a capability (or none), and why each earlier tool of the chain was passed over.</summary>
public sealed record RouteDecision(Capability Capability, string? Tool, IReadOnlyList<SkippedTool> Skipped, string Why);
