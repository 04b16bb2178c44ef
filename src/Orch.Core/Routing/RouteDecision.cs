namespace Orch.Core.Routing;

/// <summary>The tool the router picked for a capability (or none), and why each earlier tool of the chain was passed over.</summary>
public sealed record RouteDecision(string Capability, string? Tool, IReadOnlyList<(string Tool, string Reason)> Skipped, string Why);
