using System.Globalization;
using System.Text.RegularExpressions;
using Orch.Abstractions.Adapters;

namespace Orch.Adapters.Parsing;

/// <summary>
/// Reads aider's usage lines, one per message:
/// <c>Tokens: 12k sent, 1.1k cache write, 3.2k cache hit, 345 received. Cost: $0.04 message, $0.12 session.</c>
/// The invocation's cost is the sum of its messages; the session total also counts earlier runs.
/// </summary>
public static partial class AiderOutputParser
{
    public static TokenUsage? Parse(string output, string? model)
    {
        long input = 0, cached = 0, received = 0;
        decimal cost = 0;
        var found = false;
        foreach (Match match in TokensLine().Matches(output))
        {
            found = true;
            input += TokenCount.Parse(match.Groups["sent"].Value);
            cached += match.Groups["hit"].Success ? TokenCount.Parse(match.Groups["hit"].Value) : 0;
            received += TokenCount.Parse(match.Groups["received"].Value);
            if (match.Groups["cost"].Success)
            {
                cost += decimal.Parse(match.Groups["cost"].Value, NumberStyles.Number, CultureInfo.InvariantCulture);
            }
        }

        return found ? new TokenUsage(model, input + cached, cached, received, cost) : null;
    }

    [GeneratedRegex(@"Tokens:\s*(?<sent>[\d.,]+[kM]?)\s+sent,(?:\s*(?<write>[\d.,]+[kM]?)\s+cache write,)?(?:\s*(?<hit>[\d.,]+[kM]?)\s+cache hit,)?\s*(?<received>[\d.,]+[kM]?)\s+received\.(?:\s*Cost:\s*\$(?<cost>[\d.,]+)\s+message)?", RegexOptions.IgnoreCase)]
    private static partial Regex TokensLine();
}
