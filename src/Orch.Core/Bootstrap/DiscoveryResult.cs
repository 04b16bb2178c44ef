namespace Orch.Core.Bootstrap;

/// <summary>What discovery found, in the shape of the legacy <c>bootstrap_discovery</c> record where it fits, with the evidence for each conclusion.</summary>
public sealed record DiscoveryResult
{
    public required string ProjectRoot { get; init; }

    public required string ProjectName { get; init; }

    public string Domain { get; init; } = "generic";

    public double DomainConfidence { get; init; }

    public IReadOnlyList<string> Languages { get; init; } = [];

    public IReadOnlyList<string> Frameworks { get; init; } = [];

    public IReadOnlyList<string> TestFrameworks { get; init; } = [];

    public IReadOnlyList<string> PackageManagers { get; init; } = [];

    public IReadOnlyList<string> ExistingCi { get; init; } = [];

    public string? Vcs { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> DirectoryStructure { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyList<DotnetProject> DotnetProjects { get; init; } = [];

    /// <summary>Counts of evidence per domain (dotnet, python, node, data, docs, ops), for profile scoring.</summary>
    public IReadOnlyDictionary<string, int> Signals { get; init; } = new Dictionary<string, int>();

    /// <summary>Folders whose files point at another domain than the whole (docs/ in a .NET repository, say).</summary>
    public IReadOnlyDictionary<string, string> PathDomains { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<Evidence> Evidence { get; init; } = [];

    public DateTimeOffset DiscoveryTimestamp { get; init; }
}
