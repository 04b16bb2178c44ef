using System.Diagnostics;
using Orch.Testing;

namespace Orch.Reliability.Tests.Support;

/// <summary>
/// Runs a shell script in a private mount namespace (<c>unshare -m</c>), where it may mount a small tmpfs or a read-only
/// bind without touching the machine. Where the machine does not allow it, the test is inconclusive, not passed.
/// </summary>
internal static class Namespace
{
    private static readonly Lazy<bool> Allowed = new(() => Run("mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null || mount -t tmpfs -o size=1m tmpfs /tmp").Exit == 0);

    public static void RequireMounts()
    {
        if (!OperatingSystem.IsLinux() || !Allowed.Value)
        {
            Assert.Inconclusive("this machine does not allow a private mount namespace (unshare -m); the storage fault needs one");
        }
    }

    public static (int Exit, string Output) Run(string script, string? directory = null)
    {
        var info = new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "sh", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory ?? Path.GetTempPath(),
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        try
        {
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, output + "\n(timed out)");
            }

            return (process.ExitCode, output + error.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, "unshare is not installed");
        }
    }

    /// <summary>The command line that runs dotnet orch, for scripts.</summary>
    public static string Orch => $"dotnet '{OrchProcess.Dll}'";
}
