using System.Globalization;
using System.Text.RegularExpressions;
using Orch.Abstractions.Diagnostics;

namespace Orch.Adapters.Parsing;

/// <summary>
/// Failed tests from what a test run printed, for projects that can write no report at all: Microsoft.Testing.Platform's
/// <c>failed Name (12ms)</c> blocks and VSTest's <c>Failed Name [12 ms]</c> blocks, each with its message and stack.
/// </summary>
public static partial class TestConsoleParser
{
    public static IReadOnlyList<Finding> FailedTests(string output, string tool, string? repositoryRoot)
    {
        var findings = new List<Finding>();
        var lines = output.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => Ansi().Replace(l, "")).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            var header = Header().Match(lines[i]);
            if (!header.Success)
            {
                continue;
            }

            var message = new List<string>();
            var stack = new List<string>();
            var j = i + 1;
            for (; j < lines.Length && !Header().IsMatch(lines[j]) && !EndOfBlock().IsMatch(lines[j]); j++)
            {
                var text = lines[j].Trim();
                if (text.StartsWith("at ", StringComparison.Ordinal) || text.Contains("): at ", StringComparison.Ordinal))
                {
                    stack.Add(text);
                }
                else if (stack.Count > 0)
                {
                    // The stack is the block's last part: what follows it is the runner's again.
                    break;
                }
                else if (text.Length > 0 && !text.StartsWith("from ", StringComparison.Ordinal) && text is not ("Error Message:" or "Stack Trace:") && stack.Count == 0)
                {
                    message.Add(text);
                }
            }

            var (file, line, cause) = StackFrames.TestAndCause(string.Join('\n', stack), repositoryRoot);
            var summary = message.Count == 0 ? "the test failed" : string.Join(' ', message.Take(3));
            findings.Add(new Finding(file, line, null, header.Groups["name"].Value.Trim(), cause is null ? summary : $"{summary} (raised at {cause})",
                FindingSeverity.Error, tool));
            i = j - 1;
        }

        return findings;
    }

    /// <summary>The run's totals as the runner printed them, or <see langword="null"/> when it printed none.</summary>
    public static (int Total, int Passed, int Failed, int Skipped)? Totals(string output)
    {
        var text = Ansi().Replace(output, "");
        var vstest = VsTestSummary().Matches(text);
        if (vstest.Count > 0)
        {
            return (vstest.Sum(m => Int(m.Groups["total"])), vstest.Sum(m => Int(m.Groups["passed"])), vstest.Sum(m => Int(m.Groups["failed"])),
                vstest.Sum(m => Int(m.Groups["skipped"])));
        }

        var total = MtpCount("total").Matches(text);
        if (total.Count == 0)
        {
            return null;
        }

        int Last(string name) => MtpCount(name).Matches(text) is { Count: > 0 } m ? Int(m[^1].Groups["n"]) : 0;
        return (Int(total[^1].Groups["n"]), Last("succeeded"), Last("failed"), Last("skipped"));
    }

    private static int Int(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    private static Regex MtpCount(string name) => new($@"^\s*{name}:\s*(?<n>\d+)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    [GeneratedRegex(@"^\s*(?:failed|Failed)\s+(?<name>\S.*?)\s+(?:\(\d[^)]*\)|\[\d[^\]]*\])\s*$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^(?:\s*(?:passed|skipped|Passed|Skipped)\s+\S.*[\)\]]\s*$|(?:Failed!|Passed!|Skipped!|Test run summary|Results File:|Total tests:))")]
    private static partial Regex EndOfBlock();

    [GeneratedRegex(@"Failed:\s*(?<failed>\d+),\s*Passed:\s*(?<passed>\d+),\s*Skipped:\s*(?<skipped>\d+),\s*Total:\s*(?<total>\d+)")]
    private static partial Regex VsTestSummary();

    /// <summary>Terminal colour and cursor codes, which runners print even into a pipe.</summary>
    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    internal static partial Regex Ansi();
}
