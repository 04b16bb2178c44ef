using System.Collections;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Orch.Core.Secrets;

/// <summary>
/// Replaces secrets with <see cref="Mask"/> in anything Orch writes: console output, logs, events, error reports, prompt
/// and findings files, and the database. A secret is recognized three ways:
/// <list type="bullet">
/// <item>by its variable's name (<c>*_KEY</c>, <c>*_TOKEN</c>, <c>*_SECRET</c>, <c>*PASSWORD*</c>, <c>*_AUTH*</c>, <c>*SESSION*</c>,
/// <c>*COOKIE*</c>, <c>*CREDENTIAL*</c>, <c>*PRIVATE*</c>, and the AI tools' <c>*_BASE_URL</c>, <c>*_API_BASE</c>, <c>CODEX_HOME</c>);</item>
/// <item>by where its value came from: whatever a job takes from the user's environment through <c>${NAME}</c>;</item>
/// <item>by its shape, wherever it appears: OpenAI and Anthropic keys (<c>sk-…</c>), GitHub tokens (<c>ghp_…</c>,
/// <c>github_pat_…</c>), Slack tokens (<c>xox…</c>), AWS access keys, JWTs, and long high-entropy strings.</item>
/// </list>
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

    /// <summary>Redacts token shapes only.</summary>
    public static SecretRedactor None { get; } = new([]);

    public bool IsEmpty => _secrets.Length == 0;

    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    /// <summary>
    /// Collects the secret values of the process environment and of a job's <paramref name="extra"/> variables: those
    /// with a secret-looking name, those taken from the environment (<paramref name="fromEnvironment"/>), and those shaped
    /// like a token.
    /// </summary>
    public static SecretRedactor FromEnvironment(IEnumerable<KeyValuePair<string, string>>? extra = null, IEnumerable<string>? fromEnvironment = null)
    {
        var values = new List<string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value && IsSecretVariable(name, value))
            {
                values.Add(value);
            }
        }

        return With(values, extra, fromEnvironment);
    }

    /// <summary>
    /// As <see cref="FromEnvironment(IEnumerable{KeyValuePair{string, string}}?, IEnumerable{string}?)"/>, with the environment's secret values given (<see cref="SecretValues"/> of a
    /// snapshot) rather than read now: for a caller that runs many jobs from one environment.
    /// </summary>
    public static SecretRedactor FromEnvironment(IReadOnlyList<string> environmentSecrets, IEnumerable<KeyValuePair<string, string>>? extra,
        IEnumerable<string>? fromEnvironment) =>
        With([.. environmentSecrets], extra, fromEnvironment);

    /// <summary>The values of <paramref name="variables"/> that are secrets by their name or their shape.</summary>
    public static string[] SecretValues(IReadOnlyDictionary<string, string> variables) =>
        [.. variables.Where(kv => IsSecretVariable(kv.Key, kv.Value)).Select(kv => kv.Value)];

    private static SecretRedactor With(List<string> values, IEnumerable<KeyValuePair<string, string>>? extra, IEnumerable<string>? fromEnvironment)
    {
        if (extra is not null)
        {
            values.AddRange(extra.Where(kv => IsSecretName(kv.Key) || LooksLikeToken(kv.Value)).Select(kv => kv.Value));
        }

        if (fromEnvironment is not null)
        {
            values.AddRange(fromEnvironment);
        }

        return new SecretRedactor(values);
    }

    // Orch's environment rarely changes, and every job asks: the verdict for a name and value is kept while both stay the same.
    private static readonly ConcurrentDictionary<string, (string Value, bool Secret)> EnvironmentVerdicts = new(StringComparer.Ordinal);

    private static bool IsSecretVariable(string name, string value)
    {
        if (EnvironmentVerdicts.TryGetValue(name, out var known) && string.Equals(known.Value, value, StringComparison.Ordinal))
        {
            return known.Secret;
        }

        var secret = IsSecretName(name) || LooksLikeToken(value);
        EnvironmentVerdicts[name] = (value, secret);
        return secret;
    }

    public SecretRedactor With(IEnumerable<KeyValuePair<string, string>> variables) =>
        new(_secrets.Concat(variables.Where(kv => IsSecretName(kv.Key) || LooksLikeToken(kv.Value)).Select(kv => kv.Value)));

    public string Redact(string text)
    {
        if (text.Length == 0)
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

        if (text.Contains("://", StringComparison.Ordinal))
        {
            // A password inside an address (a database's, a proxy's): user:PASSWORD@host.
            text = UrlPassword().Replace(text, Mask);
        }

        return text.Length < 20 ? text : TokenShape().Replace(text, m => IsToken(m) ? Mask : m.Value);
    }

    /// <summary>True when the whole of <paramref name="value"/> has a token's shape.</summary>
    public static bool LooksLikeToken(string value)
    {
        var match = TokenShape().Match(value.Trim());
        return match.Success && match.Length == value.Trim().Length && IsToken(match);
    }

    private static bool IsToken(Match match) => match.Groups["known"].Success || IsHighEntropy(match.Value);

    /// <summary>
    /// At least 32 characters of letters, digits and <c>+=_-</c> (a path's <c>/</c> and <c>.</c> end a candidate), with
    /// upper case, lower case and at least two digits, more than 4.3 bits of entropy per character, and the kind of
    /// character (upper, lower, digit, other) changing at more than 45% of neighbours, as it does in random text and
    /// not in words: random keys pass; hex digests (at most 4 bits), identifiers, test names and paths do not.
    /// </summary>
    private static bool IsHighEntropy(string value)
    {
        if (value.Length < 32 || !value.Any(char.IsUpper) || !value.Any(char.IsLower) || value.Count(char.IsDigit) < 2)
        {
            return false;
        }

        Span<int> counts = stackalloc int[128];
        foreach (var c in value)
        {
            counts[c & 127]++;
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / value.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        var switches = 0;
        for (var i = 1; i < value.Length; i++)
        {
            switches += Kind(value[i]) != Kind(value[i - 1]) ? 1 : 0;
        }

        return entropy > 4.3 && switches > 0.45 * (value.Length - 1);

        static int Kind(char c) => char.IsUpper(c) ? 0 : char.IsLower(c) ? 1 : char.IsDigit(c) ? 2 : 3;
    }

    // AI tools' endpoints and homes count too: a base URL can carry credentials, and teams point them at private proxies.
    [GeneratedRegex(@"(?:_KEY|_TOKEN|_SECRET|PASSWORD|PASSWD|_PAT|_CREDENTIALS?|APIKEY|_BASE_URL|_API_BASE)$|PASSWORD|SECRET|_AUTH|^AUTH|SESSION|COOKIE|CREDENTIAL|PRIVATE|^CODEX_HOME$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?<known>\bsk-(?:ant-)?[A-Za-z0-9_\-]{20,}|\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{40,}|\bxox[abposr]-[A-Za-z0-9\-]{10,}|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})|(?<![A-Za-z0-9+=_\-])[A-Za-z0-9+=_\-]{32,}", RegexOptions.CultureInvariant)]
    private static partial Regex TokenShape();

    [GeneratedRegex(@"(?<=://[^:/@\s]+:)[^@/\s]+(?=@)", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}
