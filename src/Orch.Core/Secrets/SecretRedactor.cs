using System.Collections;
using System.Text.RegularExpressions;

namespace Orch.Core.Secrets;

/// <summary>
/// Replaces the values of secret-looking environment variables (<c>*_KEY</c>, <c>*_TOKEN</c>, <c>*_SECRET</c>,
/// <c>*PASSWORD*</c>, and the like, plus the AI tools' <c>*_BASE_URL</c>, <c>*_API_BASE</c> and <c>CODEX_HOME</c>) with <see cref="Mask"/> in anything Orch writes: logs, events, error reports and
/// the database.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "***";

    // Values this short are too likely to appear by chance; masking them would wreck logs without protecting much.
    private const int MinimumLength = 4;

    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string> secrets)
    {
        _secrets = secrets.Where(s => s.Length >= MinimumLength).Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length).ToArray();
    }

    public static SecretRedactor None { get; } = new([]);

    public bool IsEmpty => _secrets.Length == 0;

    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    /// <summary>Collects the secret values of the process environment and of <paramref name="extra"/> variables.</summary>
    public static SecretRedactor FromEnvironment(IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var values = new List<string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value && IsSecretName(name))
            {
                values.Add(value);
            }
        }

        if (extra is not null)
        {
            values.AddRange(extra.Where(kv => IsSecretName(kv.Key)).Select(kv => kv.Value));
        }

        return new SecretRedactor(values);
    }

    public SecretRedactor With(IEnumerable<KeyValuePair<string, string>> variables) =>
        new(_secrets.Concat(variables.Where(kv => IsSecretName(kv.Key)).Select(kv => kv.Value)));

    public string Redact(string text)
    {
        if (_secrets.Length == 0 || text.Length == 0)
        {
            return text;
        }

        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    // AI tools' endpoints and homes count too: a base URL can carry credentials, and teams point them at private proxies.
    [GeneratedRegex(@"(?:_KEY|_TOKEN|_SECRET|PASSWORD|PASSWD|_PAT|_CREDENTIALS?|APIKEY|_BASE_URL|_API_BASE)$|PASSWORD|SECRET|^CODEX_HOME$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
