using System.Globalization;

namespace Orch.Adapters.Parsing;

/// <summary>Reads token counts as tools print them: <c>812</c>, <c>12k</c>, <c>1.2k</c>, <c>3.4M</c>.</summary>
public static class TokenCount
{
    public static long Parse(string text)
    {
        var trimmed = text.Trim().Replace(",", "", StringComparison.Ordinal);
        var multiplier = 1m;
        if (trimmed.EndsWith('k') || trimmed.EndsWith('K'))
        {
            multiplier = 1_000m;
            trimmed = trimmed[..^1];
        }
        else if (trimmed.EndsWith('M'))
        {
            multiplier = 1_000_000m;
            trimmed = trimmed[..^1];
        }

        return decimal.TryParse(trimmed, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? (long)Math.Round(value * multiplier) : 0;
    }
}
