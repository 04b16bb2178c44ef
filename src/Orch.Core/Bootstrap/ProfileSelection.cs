namespace Orch.Core.Bootstrap;

/// <summary>The chosen profile, the runner-up, every score, the reason in words, and per-path overrides for mixed repositories.</summary>
public sealed record ProfileSelection(
    string Profile,
    string RunnerUp,
    IReadOnlyDictionary<string, int> Scores,
    string Reason,
    IReadOnlyList<PathOverride> Overrides);

/// <summary>A folder that gets another profile than the repository (docs/ in a .NET repository).</summary>
public sealed record PathOverride(string Path, string Profile, string Reason);
