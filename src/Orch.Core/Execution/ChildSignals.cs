using System.Diagnostics;
using Orch.Adapters.Process;

namespace Orch.Core.Execution;

/// <summary>
/// The command prefix that gives a child process default signal dispositions. The .NET runtime ignores SIGPIPE, and an
/// ignored signal stays ignored across fork and exec: without the reset, <c>yes | head</c> in a job prints "Broken
/// pipe", and a job whose reader went away keeps writing into errors instead of ending.
/// </summary>
internal static class ChildSignals
{
    private static readonly Lazy<string[]?> Reset = new(Probe);

    /// <summary><c>env --default-signal</c> where this system's env has it (GNU coreutils 8.31 and later); else <see langword="null"/>.</summary>
    public static string[]? ResetCommand => Reset.Value;

    private static string[]? Probe()
    {
        if (!OperatingSystem.IsLinux() || ExecutableLocator.Find("env", "/") is not { } env)
        {
            return null;
        }

        try
        {
            using var probe = Process.Start(new ProcessStartInfo(env, ["--default-signal", "true"])
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            });
            if (probe is null || !probe.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                return null;
            }

            return probe.ExitCode == 0 ? [env, "--default-signal"] : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
