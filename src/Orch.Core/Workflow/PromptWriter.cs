using System.Text.Json;
using System.Text;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Secrets;
using Orch.Core.Serialization;

namespace Orch.Core.Workflow;

/// <summary>Writes the instruction for an EDIT or FIX call as markdown, and the findings as JSON, for any tool to read.</summary>
public static class PromptWriter
{
    public static string Markdown(WorkstreamContext context, PhaseName phase, int attempt, IReadOnlyList<Finding> findings)
    {
        var spec = context.Spec;
        var text = new StringBuilder();
        text.AppendLine($"# {OrchJson.EnumText(phase)} for workstream `{spec.Id}`{(spec.Title is null ? "" : $": {spec.Title}")}");
        text.AppendLine();
        var instruction = spec.Edit.Instruction();
        if (instruction.Length > 0)
        {
            text.AppendLine(instruction);
            text.AppendLine();
        }

        if (spec.AllScope.Any())
        {
            text.AppendLine("## Files you may change");
            foreach (var file in spec.AllScope.Distinct(StringComparer.Ordinal))
            {
                text.AppendLine($"- `{file}`");
            }

            text.AppendLine();
        }

        if (findings.Count > 0)
        {
            text.AppendLine($"## Findings to fix (attempt {attempt}, {findings.Count})");
            foreach (var f in findings)
            {
                var where = f.File is null ? "" : $"`{f.File}{(f.Line is { } l ? $":{l}" : "")}{(f.Column is { } c ? $":{c}" : "")}` ";
                text.AppendLine($"- {where}{f.Severity.ToString().ToLowerInvariant()} {f.Code}: {f.Message}");
            }
        }

        return text.ToString();
    }

    public static (string PromptFile, string FindingsFile) Write(WorkstreamContext context, PhaseName phase, string label, int attempt, IReadOnlyList<Finding> findings)
    {
        Directory.CreateDirectory(context.StateDirectory);
        var prompt = Path.Combine(context.StateDirectory, $"{label.ToLowerInvariant()}.prompt.md");
        var json = Path.Combine(context.StateDirectory, $"{label.ToLowerInvariant()}.findings.json");
        // Findings quote tool output and test reports; a secret in them must not reach the files (or the AI tool).
        var redactor = SecretRedactor.FromEnvironment();
        File.WriteAllText(prompt, redactor.Redact(Markdown(context, phase, attempt, findings)));
        File.WriteAllText(json, redactor.Redact(JsonSerializer.Serialize(findings, OrchJson.Indented)));
        return (prompt, json);
    }
}
