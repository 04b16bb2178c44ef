using Orch.Core.Profiles;

namespace Orch.Core.Bootstrap;

/// <summary>Scores every profile against the discovery result and explains the choice and the runner-up.</summary>
public static class ProfileSelector
{
    // Ties go to the more specific profile.
    private static readonly string[] Priority = ["dotnet", "python", "node", "data", "ops", "docs", "generic"];

    public static ProfileSelection Select(DiscoveryResult discovery, ProfileCatalog catalog)
    {
        var scores = catalog.All.ToDictionary(p => p.Id, p => p.Id == "generic" ? 1 : discovery.Signals.GetValueOrDefault(p.Id), StringComparer.Ordinal);
        // A data repository is also Python; its notebooks and dbt decide between the two.
        if (scores.ContainsKey("data") && discovery.Signals.GetValueOrDefault("data") > 0)
        {
            scores["data"] += discovery.Signals.GetValueOrDefault("python") / 2;
        }

        var ranked = scores.OrderByDescending(s => s.Value).ThenBy(s => Array.IndexOf(Priority, s.Key) is var i && i < 0 ? 99 : i).ToList();
        var primary = ranked[0].Key;
        var runnerUp = ranked.Count > 1 ? ranked[1].Key : "generic";
        var reason = primary == "generic"
            ? "no evidence of a language, framework or domain was found, so the generic profile applies"
            : $"{primary} scored {scores[primary]} ({Because(discovery, primary)}); runner-up {runnerUp} scored {scores[runnerUp]}" +
              (runnerUp == "generic" ? " (the baseline)" : $" ({Because(discovery, runnerUp)})");
        var overrides = discovery.PathDomains.Where(p => p.Value != primary && catalog.Find(p.Value) is not null)
            .Select(p => new PathOverride(p.Key, p.Value, $"{p.Key} holds mostly {(p.Value == "docs" ? "documentation" : "infrastructure")} files"))
            .OrderBy(o => o.Path, StringComparer.Ordinal).ToList();
        return new ProfileSelection(primary, runnerUp, scores, reason, overrides);
    }

    private static string Because(DiscoveryResult discovery, string profile)
    {
        var conclusions = discovery.Evidence.Where(e => Domain(e.Conclusion) == profile).GroupBy(e => e.Conclusion)
            .Select(g => g.Count() == 1 ? $"{g.Key} in {g.First().Source}" : $"{g.Count()} × {g.Key}").Take(4).ToList();
        return conclusions.Count == 0 ? "baseline" : string.Join(", ", conclusions);
    }

    private static string Domain(string conclusion) => conclusion switch
    {
        ".NET solution" or ".NET project" or "test project" => "dotnet",
        "Python package" or "Python requirements" or "pytest" or "ruff" or "mypy" or "Python source" => "python",
        "Node package" or "npm scripts" or "jest" or "vitest" or "mocha" => "node",
        "dbt project" or "Jupyter notebook" or "SQL" => "data",
        "mkdocs site" or "docfx site" or "documentation page" => "docs",
        "Dockerfile" or "Docker Compose" or "Helm chart" or "Terraform" or "Kubernetes manifest" => "ops",
        _ => "",
    };
}
