using System.Text.Json;

namespace Orch.Core.Testing;

/// <summary>How <c>dotnet test</c> runs a project's tests: under VSTest, or under Microsoft.Testing.Platform as global.json asks.</summary>
public static class TestPlatform
{
    /// <summary>
    /// True when global.json puts <c>dotnet test</c> in Microsoft.Testing.Platform mode, where VSTest's --logger does not
    /// exist and the TRX report is asked for with --report-trx.
    /// </summary>
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

    /// <summary>The <c>dotnet test</c> argv that writes TRX results into <paramref name="results"/> for <paramref name="target"/>.</summary>
    public static IReadOnlyList<string> TestCommand(string target, string directory, string results) =>
        UsesTestingPlatform(directory)
            ? ["dotnet", "test", .. TargetArguments(target), "--report-trx", "--results-directory", results]
            : ["dotnet", "test", target, "--logger", "trx", "--results-directory", results];

    private static string[] TargetArguments(string target) =>
        Directory.Exists(target) ? []
        : target.EndsWith(".sln", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase) ? ["--solution", target]
        : ["--project", target];
}
