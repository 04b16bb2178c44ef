using Orch.Core.Diagnostics;
using Orch.Core.Documents;

namespace Orch.Core.Jobs;

/// <summary>The <c>retry_policy</c> words: <c>none</c>, <c>retry_same</c>, and <c>escalate_to_TOOL</c> for a known AI tool.</summary>
internal static class RetryPolicies
{
    private const string EscalatePrefix = "escalate_to_";

    private static readonly Dictionary<string, (RetryPolicy Policy, string? Target)> Words = new(StringComparer.Ordinal)
    {
        ["none"] = (RetryPolicy.None, null),
        ["retry_same"] = (RetryPolicy.RetrySame, null),
        [EscalatePrefix + "codex"] = (RetryPolicy.Escalate, "codex"),
        [EscalatePrefix + "claude"] = (RetryPolicy.Escalate, "claude"),
    };

    public static (RetryPolicy Policy, string? EscalateTo) Parse(string text, FieldReader reader, string key)
    {
        if (Words.TryGetValue(text, out var policy))
        {
            return policy;
        }

        var suggestion = FieldReader.Suggest(text, Words.Keys);
        reader.Error(reader.Node(key)!, DiagnosticCodes.InvalidValue,
            $"{reader.FieldPath(key)} '{text}' is not a retry policy{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")}",
            $"Use one of: {string.Join(", ", Words.Keys)}.");
        return (RetryPolicy.None, null);
    }
}
