using Orch.Core.Jobs;
using Orch.Core.Secrets;

namespace Orch.Core.Execution;

/// <summary>Keeps secret values out of stored jobs: a job may name a secret as <c>${NAME}</c>, never hold it.</summary>
public static class JobSecrets
{
    /// <summary>The env entries that hold a literal secret rather than a <c>${NAME}</c> reference.</summary>
    public static IReadOnlyList<string> LiteralSecrets(JobSpec spec) =>
        spec.Environment.Where(kv => SecretRedactor.IsSecretName(kv.Key) && kv.Value.Length > 0 && !IsReference(kv.Value))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A copy safe to store: literal secret values, in env or anywhere in the command, are replaced with the mask.</summary>
    public static JobSpec Redacted(JobSpec spec)
    {
        var literal = LiteralSecrets(spec);
        var redactor = SecretRedactor.FromEnvironment(spec.Environment.Where(kv => literal.Contains(kv.Key)));
        var environment = spec.Environment.ToDictionary(kv => kv.Key, kv => literal.Contains(kv.Key) ? SecretRedactor.Mask : kv.Value, StringComparer.Ordinal);
        return spec with { Environment = environment, Command = spec.Command.Select(redactor.Redact).ToArray() };
    }

    private static bool IsReference(string value) => value.StartsWith("${", StringComparison.Ordinal) && value.EndsWith('}');
}
