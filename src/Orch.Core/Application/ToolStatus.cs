using Orch.Abstractions.Adapters;

namespace Orch.Core.Application;

/// <summary>One adapter as <c>tools</c> lists it: its capabilities and whether the tool is installed here.</summary>
public sealed record ToolStatus(string Name, IReadOnlyList<Capability> Capabilities, ToolAvailability Availability)
{
    /// <summary>Where the adapter comes from: <c>built-in</c>, or the plugin as "Id Version".</summary>
    public string Origin { get; init; } = Profiles.ProfileCatalog.BuiltInOrigin;
}
