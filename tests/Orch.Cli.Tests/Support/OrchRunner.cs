using System.Diagnostics;
using Orch.Testing;

namespace Orch.Cli.Tests.Support;

/// <summary>Runs dotnet orch in-process (fast, for parsing and output) or as a real process (for crashes and concurrency).</summary>
internal static class OrchRunner
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Orch.Cli.dll");

    public static async Task<(int Exit, string Out, string Err)> InProcessAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await OrchCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static Process Start(TempDirectory repo, params string[] args) => Start(repo.Path, repo.Combine(".orch", "state.db"), args);

    public static Process Start(string directory, string database, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ORCH_DB"] = database;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(info)!;
    }

    public static Task<(int Exit, string Out, string Err)> RunAsync(TempDirectory repo, params string[] args) =>
        RunAsync(repo.Path, repo.Combine(".orch", "state.db"), args);

    public static async Task<(int Exit, string Out, string Err)> RunAsync(string directory, string database, params string[] args)
    {
        using var process = Start(directory, database, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
