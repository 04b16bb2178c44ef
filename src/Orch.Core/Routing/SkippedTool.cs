namespace Orch.Core.Routing;

/// <summary>A tool the router passed over, and why.</summary>
public sealed record SkippedTool(string Tool, string Reason);
