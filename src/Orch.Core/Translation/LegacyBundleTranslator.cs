using Orch.Core.Planning;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Translation;

/// <summary>
/// A legacy workstream bundle becomes a v1 workstream: <c>tool</c>/<c>tasks</c> become <c>edit</c>,
/// <c>files_modify</c> joins <c>files_scope</c>, <c>acceptance_tests</c> become RUNTIME commands, and
/// <c>circuit_breaker.max_error_repeats</c> becomes the oscillation threshold. The one place this mapping lives.
/// </summary>
public static class LegacyBundleTranslator
{
    private static readonly string[] Dropped = ["gate", "ccpm_issue", "openspec_change", "metadata", "priority", "duration_days", "estimated_hours"];

    public static void Write(YamlText yaml, WorkstreamSpec ws, YamlMappingNode original, int indent, bool first)
    {
        var keys = original.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).ToList();
        if (first)
        {
            yaml.Scalar("id", ws.Id, 0);
        }
        else
        {
            yaml.Scalar("id", ws.Id, indent);
        }

        yaml.Scalar("title", ws.Title, indent);
        yaml.List("depends_on", ws.DependsOn, indent, flow: true);
        yaml.List("files_scope", ws.FilesScope, indent);
        if (keys.Contains("files_modify"))
        {
            yaml.Comment("files_modify was merged into files_scope: Orch guards one scope for changes", indent);
        }

        yaml.List("files_create", ws.FilesCreate, indent);
        yaml.Open("edit", indent);
        yaml.Scalar("tool", ws.Edit.Tool, indent + 2, "legacy: tool");
        if (ws.Edit.Prompt is not null)
        {
            yaml.Scalar("prompt", ws.Edit.Prompt, indent + 2, "legacy: description");
        }

        yaml.List("tasks", ws.Edit.Tasks, indent + 2);
        if (ws.Runtime is not null)
        {
            yaml.Comment("legacy acceptance_tests, run through the shell in RUNTIME", indent);
            yaml.List("runtime", ws.Runtime.Select(c => c.Command[0]), indent);
        }

        yaml.Open("circuit_breaker", indent);
        yaml.Scalar("max_attempts", ws.Loop.MaxAttempts, indent + 2);
        yaml.Scalar("oscillation_window", ws.Loop.OscillationWindow, indent + 2);
        yaml.Scalar("oscillation_threshold", ws.Loop.OscillationThreshold, indent + 2, keys.Contains("circuit_breaker") ? "legacy: max_error_repeats" : null);
        var dropped = keys.Where(k => Dropped.Contains(k) || k.StartsWith("_comment", StringComparison.Ordinal)).ToList();
        if (dropped.Count > 0)
        {
            yaml.Comment($"dropped (no behaviour in Orch): {string.Join(", ", dropped)}", indent);
        }
    }
}
