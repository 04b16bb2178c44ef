using System.Globalization;
using System.Text.RegularExpressions;
using Orch.Abstractions.Diagnostics;

namespace Orch.Adapters.Parsing;

/// <summary>
/// Reads the two diagnostic line shapes most tools print: MSBuild's canonical <c>file(line,col): error CODE: text</c>
/// and the compiler/linter shape <c>file:line:col: [error|warning:] [CODE] text</c>.
/// </summary>
public static partial class CanonicalFindingParser
{
    public static IReadOnlyList<Finding> Parse(string output, string tool, string? repositoryRoot)
    {
        // A multi-targeted project reports each diagnostic once per framework; those are one finding, the frameworks listed.
        var findings = new List<Finding>();
        var frameworks = new Dictionary<string, (int Index, SortedSet<string> Frameworks)>(StringComparer.Ordinal);
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var finding = ParseLine(line, tool, repositoryRoot);
            if (finding is null)
            {
                continue;
            }

            var framework = TargetFramework().Match(line) is { Success: true } m ? m.Groups["tfm"].Value : null;
            var key = $"{finding.File}|{finding.Line}|{finding.Column}|{finding.Code}|{finding.Message}";
            if (!frameworks.TryGetValue(key, out var seen))
            {
                seen = (findings.Count, new SortedSet<string>(StringComparer.Ordinal));
                frameworks[key] = seen;
                findings.Add(finding);
            }

            if (framework is not null)
            {
                seen.Frameworks.Add(framework);
            }
        }

        foreach (var (index, targets) in frameworks.Values.Where(v => v.Frameworks.Count > 1))
        {
            findings[index] = findings[index] with { Message = $"{findings[index].Message} ({string.Join(", ", targets)})" };
        }

        return findings;
    }

    public static Finding? ParseLine(string line, string tool, string? repositoryRoot)
    {
        var match = MsBuild().Match(line);
        if (match.Success)
        {
            return new Finding(Relative(match.Groups["file"].Value, repositoryRoot), Number(match.Groups["line"]), Number(match.Groups["col"]),
                match.Groups["code"].Value, Clean(match.Groups["msg"].Value), Severity(match.Groups["sev"].Value), tool);
        }

        match = Gnu().Match(line);
        if (match.Success)
        {
            var code = match.Groups["code"].Success ? match.Groups["code"].Value : null;
            var severity = match.Groups["sev"].Success ? Severity(match.Groups["sev"].Value) : FindingSeverity.Error;
            return new Finding(Relative(match.Groups["file"].Value, repositoryRoot), Number(match.Groups["line"]), Number(match.Groups["col"]),
                code, Clean(match.Groups["msg"].Value), severity, tool);
        }

        return null;
    }

    private static string Clean(string message)
    {
        // MSBuild appends the project (and, when multi-targeting, the framework) in brackets; it is noise for a finding.
        var trimmed = message.Trim();
        var bracket = trimmed.LastIndexOf(" [", StringComparison.Ordinal);
        return bracket > 0 && ProjectSuffix().IsMatch(trimmed[bracket..]) ? trimmed[..bracket] : trimmed;
    }

    private static string Relative(string file, string? root)
    {
        var normalized = file.Trim().Replace('\\', '/');
        if (root is null || !Path.IsPathFullyQualified(normalized))
        {
            return normalized;
        }

        var relative = Path.GetRelativePath(root, normalized).Replace('\\', '/');
        return relative.StartsWith("../", StringComparison.Ordinal) ? normalized : relative;
    }

    private static int? Number(Group group) =>
        group.Success && int.TryParse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static FindingSeverity Severity(string text) => text.ToUpperInvariant() switch
    {
        "ERROR" or "FATAL ERROR" => FindingSeverity.Error,
        "WARNING" => FindingSeverity.Warning,
        _ => FindingSeverity.Info,
    };

    [GeneratedRegex(@"^\s*(?<file>[^\s(][^(]*?)\((?<line>\d+)(?:,(?<col>\d+))?(?:,\d+,\d+)?\)\s*:\s*(?<sev>error|warning|info|fatal error)\s+(?<code>[A-Za-z][A-Za-z0-9_.-]*)\s*:\s*(?<msg>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex MsBuild();

    [GeneratedRegex(@"^(?<file>[^\s:][^:]*?):(?<line>\d+):(?:(?<col>\d+):)?\s+(?:(?<sev>error|warning|note|info)\s*:\s*)?(?:(?<code>[A-Z]{1,4}\d{2,5})\s+)?(?<msg>.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Gnu();

    [GeneratedRegex(@"^ \[[^\]]+\.\w+proj(?:::TargetFramework=[^\]]+)?\]$")]
    private static partial Regex ProjectSuffix();

    [GeneratedRegex(@"\.\w+proj::TargetFramework=(?<tfm>[^\]]+)\]\s*$")]
    private static partial Regex TargetFramework();
}
