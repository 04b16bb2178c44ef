using Orch.Core.Planning;

namespace Orch.Core.Profiles;

/// <summary>A domain template: STATIC and RUNTIME commands, how their output is read, default breakers and capability routing.</summary>
public sealed record Profile
{
    public required string Id { get; init; }

    public string? Extends { get; init; }

    public string Description { get; init; } = "";

    /// <summary>The legacy UET profiles this one replaces.</summary>
    public IReadOnlyList<string> LegacyProfiles { get; init; } = [];

    public IReadOnlyList<PhaseCommand> Static { get; init; } = [];

    public IReadOnlyList<PhaseCommand> Runtime { get; init; } = [];

    /// <summary>Which reader each command's output goes through (msbuild-diagnostics, trx, junit-xml, ruff-json, ...).</summary>
    public IReadOnlyDictionary<string, string> Parsers { get; init; } = new Dictionary<string, string>();

    public LoopSettings Breakers { get; init; } = new();

    /// <summary>Per capability, the tools to try in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Routing { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Where the profile comes from: <c>built-in</c>, or the plugin as "Id Version".</summary>
    public string Origin { get; init; } = ProfileCatalog.BuiltInOrigin;
}
