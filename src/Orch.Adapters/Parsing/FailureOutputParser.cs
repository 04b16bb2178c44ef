using System.Globalization;
using System.Text.RegularExpressions;
using Orch.Abstractions.Diagnostics;

namespace Orch.Adapters.Parsing;

/// <summary>
/// The failing tests a check printed when it is read by its exit code only (<c>npm test</c>, a script): TAP
/// (<c>not ok</c>, with node's <c>location:</c>), <c>node --test</c>'s spec reporter (<c>✖</c>), jest (<c>●</c>), pytest's
/// short summary (<c>FAILED file::test</c>), and the .NET test runners' blocks. One finding per failing test, at its
/// file and line when the output says where.
/// </summary>
public static partial class FailureOutputParser
{
    public static IReadOnlyList<Finding> Parse(string output, string tool, string? repositoryRoot)
    {
        var lines = output.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => TestConsoleParser.Ansi().Replace(l, "")).ToArray();
        var findings = new List<Finding>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (Tap().Match(lines[i]) is { Success: true } tap)
            {
                var (file, line) = LocationAfter(lines, i + 1, repositoryRoot, stopAt: l => Tap().IsMatch(l) || l.StartsWith("ok ", StringComparison.Ordinal));
                findings.Add(new Finding(file, line, null, "TEST", $"not ok: {tap.Groups["name"].Value.Trim()}", FindingSeverity.Error, tool));
            }
            else if (NodeSpec().Match(lines[i]) is { Success: true } spec && !spec.Groups["name"].Value.StartsWith("failing tests", StringComparison.Ordinal))
            {
                var (file, line) = LocationAfter(lines, i + 1, repositoryRoot, stopAt: l => NodeSpec().IsMatch(l));
                findings.Add(new Finding(file, line, null, "TEST", $"failed: {spec.Groups["name"].Value.Trim()}", FindingSeverity.Error, tool));
            }
            else if (Jest().Match(lines[i]) is { Success: true } jest)
            {
                var (file, line) = LocationAfter(lines, i + 1, repositoryRoot, stopAt: l => Jest().IsMatch(l));
                findings.Add(new Finding(file, line, null, "TEST", $"failed: {jest.Groups["name"].Value.Trim()}", FindingSeverity.Error, tool));
            }
            else if (Pytest().Match(lines[i]) is { Success: true } pytest)
            {
                findings.Add(new Finding(pytest.Groups["file"].Value, null, null, "TEST",
                    $"failed: {pytest.Groups["test"].Value}{(pytest.Groups["why"].Success ? $" - {pytest.Groups["why"].Value.Trim()}" : "")}", FindingSeverity.Error, tool));
            }
        }

        if (findings.Count == 0)
        {
            findings.AddRange(TestConsoleParser.FailedTests(output, tool, repositoryRoot));
        }

        // A runner may print a failure twice (as it happens and in its summary): one finding each.
        return findings.DistinctBy(f => (f.File, f.Line, f.Message)).ToList();
    }

    /// <summary>The last lines of an output, bounded, for a finding that has nothing better to say.</summary>
    public static string Tail(string output, int lines = 30, int characters = 3000)
    {
        var kept = string.Join('\n', output.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => TestConsoleParser.Ansi().Replace(l, ""))
            .Where(l => l.Trim().Length > 0).TakeLast(lines));
        return kept.Length <= characters ? kept : "…" + kept[^characters..];
    }

    // The first repository file:line in the lines that belong to one failure.
    private static (string? File, int? Line) LocationAfter(string[] lines, int start, string? repositoryRoot, Func<string, bool> stopAt)
    {
        for (var j = start; j < lines.Length && j < start + 40 && !stopAt(lines[j]); j++)
        {
            foreach (Match m in Location().Matches(lines[j]))
            {
                var path = m.Groups["path"].Value;
                if (path.StartsWith("file://", StringComparison.Ordinal))
                {
                    path = path["file://".Length..];
                }

                if (path.Contains("node_modules", StringComparison.Ordinal) || path.StartsWith("node:", StringComparison.Ordinal))
                {
                    continue;
                }

                if (repositoryRoot is not null && Path.IsPathFullyQualified(path))
                {
                    var relative = Path.GetRelativePath(repositoryRoot, path);
                    if (relative.StartsWith("..", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    path = relative;
                }

                return (path.Replace('\\', '/'), int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture));
            }
        }

        return (null, null);
    }

    [GeneratedRegex(@"^\s*not ok \d+(?: -)?(?<name>.*?)(?:\s+#.*)?$")]
    private static partial Regex Tap();

    [GeneratedRegex(@"^\s*✖ (?<name>.+?)(?: \(\d+(?:\.\d+)?m?s\))?$")]
    private static partial Regex NodeSpec();

    [GeneratedRegex(@"^\s*● (?<name>.+›.+|.+)$")]
    private static partial Regex Jest();

    [GeneratedRegex(@"^FAILED (?<file>[^\s:]+\.py)::(?<test>\S+)(?: - (?<why>.*))?$")]
    private static partial Regex Pytest();

    [GeneratedRegex(@"(?<path>(?:file://)?(?:[A-Za-z]:)?[\w./\\-]+\.(?:[cm]?[jt]sx?|py|cs|go|rb|java|kt|rs)):(?<line>\d+)(?::\d+)?")]
    private static partial Regex Location();
}
