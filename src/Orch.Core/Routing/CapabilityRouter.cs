using Orch.Abstractions.Adapters;
using Orch.Core.Serialization;

namespace Orch.Core.Routing;

/// <summary>
/// Picks the tool for a capability: an explicit tool wins; otherwise the first tool of the profile's chain for that
/// capability that offers it, is installed, and whose circuit breaker is not open. Every tool passed over is recorded
/// with the reason.
/// </summary>
/// <param name="isInstalled">Whether the tool can be run here.</param>
/// <param name="isBreakerOpen">Whether the tool's breaker is open.</param>
/// <param name="offers">Whether the tool's adapter offers the capability; every tool does when <see langword="null"/>.</param>
public sealed class CapabilityRouter(Func<string, bool> isInstalled, Func<string, bool> isBreakerOpen, Func<string, Capability, bool>? offers = null)
{
    public RouteDecision Route(Capability capability, IReadOnlyList<string> chain, string? explicitTool = null)
    {
        var name = OrchJson.EnumText(capability);
        if (explicitTool is not null)
        {
            return new RouteDecision(capability, explicitTool, [], $"'{explicitTool}' was named explicitly; routing does not apply");
        }

        var skipped = new List<SkippedTool>();
        foreach (var tool in chain)
        {
            var reason = offers?.Invoke(tool, capability) == false ? $"does not offer {name}"
                : !isInstalled(tool) ? "not installed"
                : isBreakerOpen(tool) ? "circuit breaker open"
                : null;
            if (reason is not null)
            {
                skipped.Add(new SkippedTool(tool, reason));
                continue;
            }

            var why = skipped.Count == 0 ? $"first in the {name} chain" : $"first available in the {name} chain after {string.Join(", ", skipped.Select(s => $"{s.Tool} ({s.Reason})"))}";
            return new RouteDecision(capability, tool, skipped, why);
        }

        return new RouteDecision(capability, null, skipped,
            chain.Count == 0 ? $"the profile has no {name} chain" : $"no tool of the {name} chain ({string.Join(", ", chain)}) is available");
    }
}
