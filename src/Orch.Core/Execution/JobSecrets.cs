using Orch.Core.Jobs;
using Orch.Core.Secrets;

namespace Orch.Core.Execution;

/// <summary>Keeps secret values out of stored jobs: a job may name a secret as <c>${NAME}</c>, never hold it.</summary>
public static class JobSecrets
{
    /// <summary>The env entries that hold a literal secret (by name or by a token's shape) rather than a <c>${NAME}</c> reference.</summary>
    public static IReadOnlyList<string> LiteralSecrets(JobSpec spec) =>
        spec.Environment.Where(kv => kv.Value.Length > 0 && !IsReference(kv.Value) && (SecretRedactor.IsSecretName(kv.Key) || SecretRedactor.LooksLikeToken(kv.Value)))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// What to hide while <paramref name="spec"/> runs: the secrets of Orch's environment, the job's secret-looking values,
    /// and every value the job takes from the environment through <c>${NAME}</c>, whatever its name.
    /// </summary>
    public static SecretRedactor RedactorFor(JobSpec spec) => SecretRedactor.FromEnvironment(Expanded(spec), Referenced(spec));

    /// <summary>As <see cref="RedactorFor(JobSpec)"/>, with the secrets of the environment the job starts from given (<see cref="SecretRedactor.SecretValues"/>).</summary>
    internal static SecretRedactor RedactorFor(JobSpec spec, IReadOnlyList<string> environmentSecrets) =>
        SecretRedactor.FromEnvironment(environmentSecrets, Expanded(spec), Referenced(spec));

    // The job's variables as it gets them, and the values it takes from the environment through ${NAME}.
    private static IEnumerable<KeyValuePair<string, string>> Expanded(JobSpec spec) =>
        spec.Environment.Select(kv => KeyValuePair.Create(kv.Key, ProcessRunner.ExpandReferences(kv.Value)));

    private static IEnumerable<string> Referenced(JobSpec spec) =>
        spec.Environment.Values.Where(v => v.Contains("${", StringComparison.Ordinal)).Select(ProcessRunner.ExpandReferences);

    /// <summary>A copy safe to store: secret values, in env, the command or the prompt, are replaced with the mask.</summary>
    public static JobSpec Redacted(JobSpec spec)
    {
        var literal = LiteralSecrets(spec);
        var redactor = RedactorFor(spec);
        var environment = spec.Environment.ToDictionary(kv => kv.Key, kv => literal.Contains(kv.Key) ? SecretRedactor.Mask : kv.Value, StringComparer.Ordinal);
        return spec with
        {
            Environment = environment,
            Command = spec.Command.Select(redactor.Redact).ToArray(),
            CheckCommand = spec.CheckCommand is null ? null : redactor.Redact(spec.CheckCommand),
            Prompt = spec.Prompt is null ? null : redactor.Redact(spec.Prompt),
        };
    }

    private static bool IsReference(string value) => value.StartsWith("${", StringComparison.Ordinal) && value.EndsWith('}');
}
