using System.Diagnostics;

namespace Orch.Cli.Tests.Packaging;

/// <summary>The three packages, packed once per test run by build/pack.sh into a temporary feed with a unique version.</summary>
internal static class PackagedFeed
{
    private static readonly Lazy<(string Feed, string Version)> Packed = new(Pack);

    public static string Feed => Packed.Value.Feed;

    public static string Version => Packed.Value.Version;

    public static string RepositoryRoot() => Orch.Testing.SourceTree.Root();

    /// <summary>The platform package an install on this machine picks.</summary>
    public static string ToolRuntime => System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;

    public static (int Exit, string Output) Run(string directory, string file, params string[] args) => Run(directory, new Dictionary<string, string>(), file, args);

    private static (int Exit, string Output) Run(string directory, IReadOnlyDictionary<string, string> environment, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("CI");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} took more than 5 minutes");
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>A folder whose nuget.config adds the feed to the usual sources.</summary>
    public static void AddFeed(string directory) =>
        File.WriteAllText(Path.Combine(directory, "nuget.config"),
            $"<configuration><packageSources><add key=\"orch-local\" value=\"{Feed}\" /></packageSources></configuration>\n");

    private static (string, string) Pack()
    {
        var feed = Path.Combine(Path.GetTempPath(), "orch-tests", "feed-" + Guid.NewGuid().ToString("N")[..8]);
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(100000)}";
        // This machine's platform, precompiled, and the portable package: what an install here can pick between.
        var runtimes = new Dictionary<string, string> { ["ORCH_TOOL_RUNTIMES"] = $"{ToolRuntime};any" };
        var (exit, output) = Run(RepositoryRoot(), runtimes, "bash", "build/pack.sh", feed, version);
        if (exit != 0)
        {
            throw new InvalidOperationException($"build/pack.sh failed:\n{output}");
        }

        return (feed, version);
    }
}
