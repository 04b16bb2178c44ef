using Orch.Abstractions.Model;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;

namespace Orch.Core.Jobs;

/// <summary>The legacy <c>retry_policy</c> words and their <see cref="RetryPolicy"/> values.</summary>
internal static class RetryPolicies
{
    private static readonly Dictionary<string, RetryPolicy> Words = new(StringComparer.Ordinal)
    {
        ["none"] = RetryPolicy.None,
        ["retry_same"] = RetryPolicy.RetrySame,
        ["escalate_to_codex"] = RetryPolicy.EscalateToCodex,
        ["escalate_to_claude"] = RetryPolicy.EscalateToClaude,
    };

    public static RetryPolicy Parse(string text, FieldReader reader, string key)
    {
        if (Words.TryGetValue(text, out var policy))
        {
            return policy;
        }

        var suggestion = FieldReader.Suggest(text, Words.Keys);
        reader.Error(reader.Node(key)!, DiagnosticCodes.InvalidValue,
            $"{reader.FieldPath(key)} '{text}' is not a retry policy{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")}",
            $"Use one of: {string.Join(", ", Words.Keys)}.");
        return RetryPolicy.None;
    }
}
