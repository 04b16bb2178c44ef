using Orch.Abstractions.Adapters;
using Orch.Adapters.Process;

namespace Orch.Adapters.Git;

/// <summary>Runs git with prompts switched off, so a job never hangs waiting for credentials.</summary>
public sealed class GitAdapter : ProcessAdapter
{
    public override string Name => "git";

    public override IReadOnlyList<Capability> Capabilities { get; } = [Capability.VersionChecking];

    public override ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) =>
        ToolProbe.ProbeAsync(launcher, "git", "apt-get install git (or https://git-scm.com/downloads)", cancellationToken);

    protected override IReadOnlyDictionary<string, string> WithDefaults(IReadOnlyDictionary<string, string> environment)
    {
        var merged = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        merged.TryAdd("GIT_TERMINAL_PROMPT", "0");
        merged.TryAdd("GIT_EDITOR", "true");
        return merged;
    }
}
