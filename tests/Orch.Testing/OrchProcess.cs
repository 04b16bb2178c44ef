using System.Diagnostics;

namespace Orch.Testing;

/// <summary>Runs dotnet orch as a real process (for crashes, signals and concurrency), from the test's output folder.</summary>
public static class OrchProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Orch.Cli.dll");

    public static Process Start(TempDirectory repo, params string[] args) => Start(repo.Path, repo.Combine(".orch", "state.db"), null, args);

    /// <summary>Starts dotnet orch in <paramref name="directory"/> on <paramref name="database"/>, with <paramref name="environment"/> added.</summary>
    public static Process Start(string directory, string database, IReadOnlyDictionary<string, string>? environment, params string[] args)
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
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info)!;
    }

    public static Task<(int Exit, string Out, string Err)> RunAsync(TempDirectory repo, params string[] args) =>
        RunAsync(repo.Path, repo.Combine(".orch", "state.db"), null, args);

    public static async Task<(int Exit, string Out, string Err)> RunAsync(string directory, string database, IReadOnlyDictionary<string, string>? environment,
        params string[] args)
    {
        using var process = Start(directory, database, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
