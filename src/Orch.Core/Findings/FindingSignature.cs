using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Text;
using Orch.Abstractions.Diagnostics;

namespace Orch.Core.Findings;

/// <summary>
/// A finding's identity across attempts: tool, file, code and message with volatile text masked. Line and column
/// are left out, so an edit above a finding does not make it look new.
/// </summary>
public static partial class FindingSignature
{
    public static string Of(Finding finding)
    {
        var text = string.Join('\u001f', finding.Tool, finding.File ?? "", finding.Code ?? "", Normalize(finding.Message));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>Masks text that changes from run to run without meaning anything: temp paths, timings, addresses, ids.</summary>
    public static string Normalize(string message)
    {
        var text = TempPath().Replace(message, "<tmp>");
        text = Guid().Replace(text, "<guid>");
        text = Hex().Replace(text, "<hex>");
        text = Duration().Replace(text, "<time>");
        text = LineRef().Replace(text, "$1<n>");
        return Whitespace().Replace(text, " ").Trim();
    }

    [GeneratedRegex(@"(?:/tmp|/var/folders|[A-Za-z]:\\Users\\[^\\]+\\AppData\\Local\\Temp)[/\\][^\s'"":)]*")]
    private static partial Regex TempPath();

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")]
    private static partial Regex Guid();

    [GeneratedRegex(@"\b0x[0-9a-fA-F]+\b")]
    private static partial Regex Hex();

    [GeneratedRegex(@"\b\d+(?:[.,]\d+)?\s?(?:ms|s|sec|seconds|µs|us|ns|min)\b|\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b")]
    private static partial Regex Duration();

    [GeneratedRegex(@"((?:line|Line|:)\s?)\d+")]
    private static partial Regex LineRef();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
