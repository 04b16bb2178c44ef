using Orch.Core.Documents;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Translation;

/// <summary>
/// UET specs to v1: a task spec becomes a workstream, an execution request becomes a job, and a phase spec's
/// acceptance checks become jobs. The one place these mappings live.
/// </summary>
public static class UetTranslator
{
    private static readonly Dictionary<string, string> Capabilities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["code_edit"] = "code_generation",
        ["code_generation"] = "code_generation",
        ["refactor"] = "refactoring",
        ["refactoring"] = "refactoring",
        ["code_review"] = "linting",
        ["lint"] = "linting",
        ["test"] = "testing",
        ["testing"] = "testing",
    };

    public static string TaskToWorkstream(SourceDocument document)
    {
        var root = (YamlMappingNode)document.Root;
        var yaml = new YamlText().Comment($"Converted from {Path.GetFileName(document.Path)} (UET task spec) by `dotnet orch convert --to v1`.");
        yaml.Scalar("version", 1);
        yaml.Scalar("id", LegacyJobTranslator.Text(root, "task_id"));
        yaml.Scalar("title", LegacyJobTranslator.Text(root, "name"));
        yaml.List("depends_on", Strings(root, "depends_on"), flow: true);
        var kind = LegacyJobTranslator.Text(root, "kind") ?? "";
        yaml.Open("edit");
        yaml.Scalar("capability", Capabilities.GetValueOrDefault(kind, "code_generation"), 2, $"task kind '{kind}'");
        yaml.Scalar("prompt", LegacyJobTranslator.Text(root, "name"), 2);
        if (LegacyJobTranslator.Child(root, "execution") is YamlMappingNode execution && LegacyJobTranslator.Text(execution, "max_attempts") is { } attempts)
        {
            yaml.Open("circuit_breaker").Scalar("max_attempts", long.Parse(attempts, System.Globalization.CultureInfo.InvariantCulture), 2);
        }

        Dropped(yaml, root, "task_id", "name", "kind", "depends_on", "execution");
        return yaml.ToString();
    }

    public static string ExecutionRequestToJob(SourceDocument document)
    {
        var root = (YamlMappingNode)document.Root;
        var yaml = new YamlText().Comment($"Converted from {Path.GetFileName(document.Path)} (UET execution request) by `dotnet orch convert --to v1`.");
        yaml.Scalar("version", 1).Scalar("kind", "job");
        yaml.Scalar("id", LegacyJobTranslator.Text(root, "request_id"));
        var routing = LegacyJobTranslator.Child(root, "routing") as YamlMappingNode;
        var tools = routing is null ? [] : Strings(routing, "allowed_tools");
        yaml.Scalar("tool", tools.FirstOrDefault() ?? "claude", comment: tools.Count > 1 ? $"routing.allowed_tools: {string.Join(", ", tools)}" : null);
        var prompt = LegacyJobTranslator.Child(root, "prompt_spec") is YamlMappingNode spec
            ? string.Join("\n", spec.Children.Values.OfType<YamlScalarNode>().Select(s => s.Value))
            : LegacyJobTranslator.Text(root, "task_kind");
        yaml.Scalar("prompt", prompt);
        if (routing is not null && LegacyJobTranslator.Text(routing, "timeout_seconds") is { } timeout)
        {
            yaml.Scalar("timeout_seconds", long.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (LegacyJobTranslator.Child(root, "resource_scope") is YamlMappingNode scope)
        {
            yaml.List("files_scope", Strings(scope, "write").Concat(Strings(scope, "create")).Distinct());
        }

        yaml.Scalar("workstream_id", LegacyJobTranslator.Text(root, "workstream_id"));
        Dropped(yaml, root, "request_id", "routing", "prompt_spec", "resource_scope", "workstream_id");
        return yaml.ToString();
    }

    public static string PhaseToJobs(SourceDocument document)
    {
        var root = (YamlMappingNode)document.Root;
        var phase = LegacyJobTranslator.Text(root, "phase_id") ?? "phase";
        var checks = (LegacyJobTranslator.Child(root, "acceptance") as YamlMappingNode) is { } acceptance
            && LegacyJobTranslator.Child(acceptance, "checks") is YamlSequenceNode list ? list.Children.OfType<YamlMappingNode>().ToList() : [];
        var yaml = new YamlText().Comment($"Converted from {Path.GetFileName(document.Path)} (UET phase '{phase}') by `dotnet orch convert --to v1`: one job per acceptance check.");
        if (checks.Count == 0)
        {
            return yaml.Comment("the phase has no acceptance checks, so there are no jobs").ToString();
        }

        var index = 0;
        foreach (var check in checks)
        {
            index++;
            var command = LegacyJobTranslator.Text(check, "command") ?? LegacyJobTranslator.Text(check, "cmd");
            yaml.Comment($"--- job {index} of {checks.Count}; save each as its own file").Scalar("version", 1).Scalar("kind", "job");
            yaml.Scalar("id", $"{phase}-{LegacyJobTranslator.Text(check, "id") ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            yaml.Scalar("command", command ?? "true", comment: command is null ? "the check named no command" : null);
        }

        return yaml.ToString();
    }

    private static List<string> Strings(YamlMappingNode map, string key) =>
        (LegacyJobTranslator.Child(map, key) as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() ?? [];

    private static void Dropped(YamlText yaml, YamlMappingNode root, params string[] mapped)
    {
        var dropped = root.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).Where(k => !mapped.Contains(k)).ToList();
        if (dropped.Count > 0)
        {
            yaml.Comment($"dropped (no v1 field): {string.Join(", ", dropped)}");
        }
    }
}
