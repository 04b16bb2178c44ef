using System.Globalization;
using System.Text.RegularExpressions;

namespace Orch.Adapters.Parsing;

/// <summary>
/// The frames of a .NET stack trace that lie inside the repository, innermost first, in the shapes test runners print:
/// <c>at M() in /src/A.cs:line 5</c> (VSTest, TRX), <c>at M() in /src/A.cs:5</c> (Microsoft.Testing.Platform) and
/// <c>src/A.cs(5,0): at M()</c> (xUnit.net's own runner).
/// </summary>
public static partial class StackFrames
{
    public static IReadOnlyList<(string File, int Line)> InRepository(string? stackTrace, string? repositoryRoot)
    {
        var frames = new List<(string, int)>();
        foreach (var raw in (stackTrace ?? "").Split('\n'))
        {
            var match = Trailing().Match(raw.TrimEnd('\r'));
            if (!match.Success)
            {
                match = Leading().Match(raw);
            }

            if (!match.Success)
            {
                continue;
            }

            var file = match.Groups["file"].Value.Trim().Replace('\\', '/');
            if (Path.IsPathFullyQualified(file))
            {
                if (repositoryRoot is null)
                {
                    continue;
                }

                var relative = Path.GetRelativePath(repositoryRoot, file).Replace('\\', '/');
                if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathFullyQualified(relative))
                {
                    continue;
                }

                file = relative;
            }

            frames.Add((file, int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture)));
        }

        return frames;
    }

    /// <summary>
    /// Where a failing test is and where its failure came from: the test is the outermost frame in the repository,
    /// the cause the innermost one, when that is somewhere else.
    /// </summary>
    public static (string? File, int? Line, string? Cause) TestAndCause(string? stackTrace, string? repositoryRoot)
    {
        var frames = InRepository(stackTrace, repositoryRoot);
        if (frames.Count == 0)
        {
            return (null, null, null);
        }

        var (file, line) = frames[^1];
        var inner = frames[0];
        return (file, line, inner == frames[^1] ? null : $"{inner.File}:{inner.Line}");
    }

    [GeneratedRegex(@"\bat .+? in (?<file>.+?):(?:line )?(?<line>\d+)\s*$")]
    private static partial Regex Trailing();

    [GeneratedRegex(@"^\s*(?<file>[^\s(][^(]*?\.\w+)\((?<line>\d+),\d+\): at ")]
    private static partial Regex Leading();
}
