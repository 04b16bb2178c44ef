using System.Diagnostics;
using Orch.Testing;

namespace Orch.Cli.Tests.Support;

/// <summary>Runs dotnet orch in-process (fast, for parsing and output) or as a real process (<see cref="OrchProcess"/>).</summary>
internal static class OrchRunner
{
    public static string Dll => OrchProcess.Dll;

    public static async Task<(int Exit, string Out, string Err)> InProcessAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await OrchCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static Process Start(TempDirectory repo, params string[] args) => OrchProcess.Start(repo, args);

    public static Process Start(string directory, string database, params string[] args) => OrchProcess.Start(directory, database, null, args);

    public static Task<(int Exit, string Out, string Err)> RunAsync(TempDirectory repo, params string[] args) => OrchProcess.RunAsync(repo, args);

    public static Task<(int Exit, string Out, string Err)> RunAsync(string directory, string database, params string[] args) =>
        OrchProcess.RunAsync(directory, database, null, args);
}
