using Orch.Abstractions.Adapters;
using Orch.Adapters.Process;

namespace Orch.Adapters.Git;

/// <summary>Runs git with prompts switched off, so a job never hangs waiting for credentials.</summary>
public sealed class GitAdapter : ProcessAdapter
{
    public override string Name => "git";

    public override IReadOnlyList<Capability> Capabilities { get; } = [Capability.VersionChecking];

    public override ValueTask<ToolAvailability> ProbeAsync(CancellationToken cancellationToken)
    {
        var path = ExecutableLocator.Find("git", Environment.CurrentDirectory);
        return ValueTask.FromResult(path is null
            ? new ToolAvailability(false, null, null, "Install git (apt-get install git, or https://git-scm.com/downloads).")
            : new ToolAvailability(true, null, path, null));
    }

    protected override IReadOnlyDictionary<string, string> WithDefaults(IReadOnlyDictionary<string, string> environment)
    {
        var merged = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        merged.TryAdd("GIT_TERMINAL_PROMPT", "0");
        merged.TryAdd("GIT_EDITOR", "true");
        return merged;
    }
}
