using YamlDotNet.RepresentationModel;

namespace Orch.Core.Documents;

/// <summary>
/// The one place that tells formats apart by content: <c>validate</c>, the job loader, the plan loader and <c>convert</c>
/// all ask here, so a file is the same thing to each of them.
/// </summary>
public static class FormatDetector
{
    private static readonly string[] LegacyConfigFiles =
        ["tool_profiles.json", "circuit_breakers.yaml", "router_config.json", "router.config.yaml", "aim_config.yaml", "agent_profiles.json", "decomposition_rules.yaml"];

    private static readonly string[] LegacyBundleMarkers = ["acceptance_tests", "gate", "openspec_change", "ccpm_issue", "files_modify"];

    private static readonly Dictionary<DocumentFormat, string> Words = new()
    {
        [DocumentFormat.LegacyList] = "legacy-list",
        [DocumentFormat.Plan] = "plan",
        [DocumentFormat.Unknown] = "unknown",
        [DocumentFormat.JsonSchema] = "json-schema",
        [DocumentFormat.LegacyConfig] = "legacy-config",
        [DocumentFormat.UetProfile] = "uet-profile",
        [DocumentFormat.UetPhaseTemplate] = "uet-phase-template",
        [DocumentFormat.LegacyJob] = "legacy-job",
        [DocumentFormat.UetTask] = "uet-task",
        [DocumentFormat.UetExecutionRequest] = "uet-execution-request",
        [DocumentFormat.Job] = "job",
        [DocumentFormat.Settings] = "settings",
        [DocumentFormat.LegacyBundle] = "legacy-bundle",
        [DocumentFormat.Workstream] = "workstream",
    };

    /// <summary>The word <c>validate</c> prints for a format (<c>legacy-bundle</c>, <c>uet-task</c>, ...).</summary>
    public static string Word(DocumentFormat format) => Words[format];

    /// <summary>A legacy job: it has <c>job_id</c> or <c>paths</c>, or its <c>command</c> is a mapping of <c>exe</c> and <c>args</c>.</summary>
    public static bool IsLegacyJob(YamlMappingNode map) =>
        map.Children.Any(kv => kv.Key is YamlScalarNode { Value: { } key } && (key is "job_id" or "paths" || (key == "command" && kv.Value is YamlMappingNode)));

    /// <summary>A legacy workstream bundle: a bundle-only field, a <c>_comment</c>, or <c>tool</c> as a single word.</summary>
    public static bool IsLegacyBundle(YamlMappingNode map) =>
        map.Children.Any(kv => kv.Key is YamlScalarNode { Value: { } key } &&
                               (LegacyBundleMarkers.Contains(key) || key.StartsWith("_comment", StringComparison.Ordinal) || (key == "tool" && kv.Value is YamlScalarNode)));

    /// <summary>What a file is, by what it holds.</summary>
    public static DocumentFormat Detect(SourceDocument document)
    {
        if (document.Root is YamlSequenceNode list)
        {
            return list.Children.Any(c => c is YamlMappingNode m && IsLegacyBundle(m)) ? DocumentFormat.LegacyList : DocumentFormat.Plan;
        }

        if (document.Root is not YamlMappingNode map)
        {
            return DocumentFormat.Unknown;
        }

        bool Has(string key) => map.Children.ContainsKey(new YamlScalarNode(key));
        if (Has("$schema") && (Has("properties") || Has("type") || Has("$defs")))
        {
            return DocumentFormat.JsonSchema;
        }

        if (LegacyConfigFiles.Contains(Path.GetFileName(document.Path), StringComparer.OrdinalIgnoreCase))
        {
            return DocumentFormat.LegacyConfig;
        }

        if (Has("profile_id") && Has("domain"))
        {
            return DocumentFormat.UetProfile;
        }

        if (Has("phase_id"))
        {
            return DocumentFormat.UetPhaseTemplate;
        }

        var command = map.Children.TryGetValue(new YamlScalarNode("command"), out var c) ? c : null;
        if (IsLegacyJob(map))
        {
            return DocumentFormat.LegacyJob;
        }

        if (Has("workstreams"))
        {
            return DocumentFormat.Plan;
        }

        if (Has("task_id") && Has("kind"))
        {
            return DocumentFormat.UetTask;
        }

        if (Has("request_id") && Has("task_kind"))
        {
            return DocumentFormat.UetExecutionRequest;
        }

        if (command is not null || (map.Children.TryGetValue(new YamlScalarNode("kind"), out var k) && (k as YamlScalarNode)?.Value == "job"))
        {
            return DocumentFormat.Job;
        }

        if (Has("tools") || Has("budgets") || Has("prices") || Has("escalation") || Has("worktree") || Path.GetFileName(document.Path) == "orch.yaml")
        {
            return DocumentFormat.Settings;
        }

        if (Has("id"))
        {
            return IsLegacyBundle(map) ? DocumentFormat.LegacyBundle : DocumentFormat.Workstream;
        }

        return DocumentFormat.Unknown;
    }

}
