using System.Text.RegularExpressions;
using Orch.Abstractions.Adapters;

namespace Orch.Adapters.Process;

/// <summary>Finds a tool on the PATH and asks it for its version.</summary>
public static partial class ToolProbe
{
    public static async ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, string executable, string installHint,
        CancellationToken cancellationToken, params string[] versionArgs)
    {
        var path = ExecutableLocator.Find(executable, Environment.CurrentDirectory);
        if (path is null)
        {
            return new ToolAvailability(false, null, null, installHint);
        }

        var outcome = await launcher.RunAsync(new ProcessRequest
        {
            Argv = [path, .. versionArgs.Length == 0 ? ["--version"] : versionArgs],
            WorkingDirectory = Environment.CurrentDirectory,
            Timeout = TimeSpan.FromSeconds(30),
        }, cancellationToken);
        var match = Version().Match(outcome.StandardOutput + " " + outcome.StandardError);
        return new ToolAvailability(true, match.Success ? match.Value : null, path, null);
    }

    /// <summary>The hint an adapter gives when its tool is not installed.</summary>
    public static string MissingMessage(string tool, string executable, string installHint) =>
        $"{tool} is not installed: '{executable}' was not found on PATH. Install it with: {installHint}";

    [GeneratedRegex(@"\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?")]
    private static partial Regex Version();
}
