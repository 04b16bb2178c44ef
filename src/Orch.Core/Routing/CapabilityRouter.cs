namespace Orch.Core.Routing;

/// <summary>
/// Picks the tool for a capability: an explicit tool wins; otherwise the first tool of the profile's fallback chain
/// that is installed and whose circuit breaker is not open. Every tool passed over is recorded with the reason.
/// </summary>
public sealed class CapabilityRouter(Func<string, bool> isInstalled, Func<string, bool> isBreakerOpen)
{
    public RouteDecision Route(string capability, IReadOnlyList<string> chain, string? explicitTool = null)
    {
        if (explicitTool is not null)
        {
            return new RouteDecision(capability, explicitTool, [], $"'{explicitTool}' was named explicitly; routing does not apply");
        }

        var skipped = new List<(string Tool, string Reason)>();
        foreach (var tool in chain)
        {
            if (!isInstalled(tool))
            {
                skipped.Add((tool, "not installed"));
                continue;
            }

            if (isBreakerOpen(tool))
            {
                skipped.Add((tool, "circuit breaker open"));
                continue;
            }

            var why = skipped.Count == 0 ? $"first in the {capability} chain" : $"first available in the {capability} chain after {string.Join(", ", skipped.Select(s => $"{s.Tool} ({s.Reason})"))}";
            return new RouteDecision(capability, tool, skipped, why);
        }

        return new RouteDecision(capability, null, skipped,
            chain.Count == 0 ? $"the profile has no {capability} chain" : $"no tool of the {capability} chain ({string.Join(", ", chain)}) is available");
    }
}
