using System.Text.Json;
using System.Text.Json.Nodes;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Application;

namespace Orch.Cli.Rendering;

/// <summary>
/// Findings as SARIF 2.1.0 for GitHub code scanning: one run per tool, the findings of the last check of each
/// workstream and phase (what is left, not what was fixed on the way), paths relative to the repository root.
/// </summary>
internal static class Sarif
{
    private const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    public static string Write(IReadOnlyList<CheckRound> checks, string repositoryRoot)
    {
        // Every job of each command's last round: a RUNTIME round is a build and a job per test project under one command.
        var last = checks.GroupBy(c => (c.Workstream, c.Phase, c.Command)).SelectMany(g =>
        {
            var round = g.Max(c => c.Round);
            return g.Where(c => c.Round == round);
        }).ToList();
        var runs = new JsonArray();
        var byTool = last.SelectMany(c => c.Findings).GroupBy(f => f.Tool).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        // With nothing left, one empty run: code scanning then closes the alerts of the last upload.
        foreach (var tool in byTool.Count > 0 ? byTool : [new NoFindings()])
        {
            var rules = tool.Where(f => f.Code is not null).Select(f => f.Code!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(code => (JsonNode)new JsonObject { ["id"] = code }).ToArray();
            var results = new JsonArray(tool.Select(f => (JsonNode)Result(f, repositoryRoot)).ToArray());
            runs.Add(new JsonObject
            {
                ["tool"] = new JsonObject { ["driver"] = new JsonObject { ["name"] = tool.Key, ["rules"] = new JsonArray(rules) } },
                ["results"] = results,
            });
        }

        var log = new JsonObject { ["$schema"] = Schema, ["version"] = "2.1.0", ["runs"] = runs };
        return log.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private sealed class NoFindings : IGrouping<string, Finding>
    {
        public string Key => "orch";

        public IEnumerator<Finding> GetEnumerator() => Enumerable.Empty<Finding>().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static JsonObject Result(Finding finding, string repositoryRoot)
    {
        var result = new JsonObject
        {
            ["level"] = finding.Severity switch { FindingSeverity.Error => "error", FindingSeverity.Warning => "warning", _ => "note" },
            ["message"] = new JsonObject { ["text"] = finding.Message },
        };
        if (finding.Code is not null)
        {
            result["ruleId"] = finding.Code;
        }

        if (finding.File is not null)
        {
            var relative = Path.IsPathRooted(finding.File) ? Path.GetRelativePath(repositoryRoot, finding.File) : finding.File;
            var region = new JsonObject();
            if (finding.Line is { } line)
            {
                region["startLine"] = line;
                if (finding.Column is { } column)
                {
                    region["startColumn"] = column;
                }
            }

            var physical = new JsonObject { ["artifactLocation"] = new JsonObject { ["uri"] = relative.Replace('\\', '/'), ["uriBaseId"] = "%SRCROOT%" } };
            if (region.Count > 0)
            {
                physical["region"] = region;
            }

            result["locations"] = new JsonArray(new JsonObject { ["physicalLocation"] = physical });
        }

        return result;
    }
}
