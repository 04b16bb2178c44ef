using System.Text.Json;

namespace Orch.Adapters.Checkers;

/// <summary>
/// How <c>dotnet test</c> must be called for a folder: under VSTest, or under Microsoft.Testing.Platform when
/// global.json says so, where VSTest's options (<c>--logger</c>, <c>--nologo</c>, a positional project) do not exist.
/// The one place that knows; the dotnet adapter and the <c>test</c> use case both ask it.
/// </summary>
public static class DotnetTestPlatform
{
    /// <summary>True when the nearest global.json sets <c>test.runner</c> to Microsoft.Testing.Platform.</summary>
    public static bool UsesTestingPlatform(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var globalJson = Path.Combine(dir.FullName, "global.json");
            if (!File.Exists(globalJson))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(File.ReadAllText(globalJson), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                return json.RootElement.TryGetProperty("test", out var test) && test.TryGetProperty("runner", out var runner)
                       && string.Equals(runner.GetString(), "Microsoft.Testing.Platform", StringComparison.OrdinalIgnoreCase);
            }
            catch (JsonException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The arguments that name <paramref name="target"/> (a project, a solution, or a folder) for the platform.</summary>
    public static IReadOnlyList<string> TargetArguments(string target, bool testingPlatform) =>
        Directory.Exists(target) ? testingPlatform ? [] : [target]
        : !testingPlatform ? [target]
        : target.EndsWith(".sln", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase) ? ["--solution", target]
        : ["--project", target];

    /// <summary><paramref name="argv"/> (a <c>dotnet test</c> command) asking for a TRX report in <paramref name="results"/>.</summary>
    public static IReadOnlyList<string> WithTrxReport(IReadOnlyList<string> argv, string results, bool testingPlatform) =>
        testingPlatform
            ? [.. argv.Where(a => a != "--nologo"), "--report-trx", "--results-directory", results]
            : [.. argv, "--logger", "trx", "--results-directory", results];
}
