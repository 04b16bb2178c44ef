using Orch.Core.Bootstrap;
using Orch.Core.Diagnostics;

namespace Orch.Core.Application;

/// <summary>What bootstrap found, chose and wrote. <see cref="Blocked"/> lists files that differ from what it would write.</summary>
public sealed record BootstrapResult(
    IReadOnlyList<OrchDiagnostic> Diagnostics,
    DiscoveryResult Discovery,
    ProfileSelection Selection,
    IReadOnlyList<BootstrapArtifacts.Artifact> Artifacts,
    bool Written)
{
    public IReadOnlyList<BootstrapArtifacts.Artifact> Blocked => Artifacts.Where(a => a.WouldOverwrite).ToList();

    /// <summary>A unified diff of what bootstrap would change in <paramref name="artifact"/>.</summary>
    public static string DiffOf(BootstrapArtifacts.Artifact artifact) => BootstrapArtifacts.Diff(artifact);
}
