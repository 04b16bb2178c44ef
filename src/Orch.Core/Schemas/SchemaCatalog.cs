using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Orch.Core.Schemas;

/// <summary>The JSON Schemas in schema/, embedded in the engine, loaded once each.</summary>
public static partial class SchemaCatalog
{
    public const string Job = "job.v1.schema.json";
    public const string Workstream = "workstream.v1.schema.json";
    public const string Plan = "plan.v1.schema.json";
    public const string Settings = "settings.v1.schema.json";
    public const string Profile = "profile.v1.schema.json";
    public const string Event = "event.v1.schema.json";
    public const string Finding = "finding.v1.schema.json";
    public const string CostRecord = "cost-record.v1.schema.json";
    public const string FindingsOutput = "output/findings.v1.schema.json";
    public const string CostsOutput = "output/costs.v1.schema.json";
    public const string PluginsOutput = "output/plugins.v1.schema.json";
    public const string StatusOutput = "output/status.v1.schema.json";
    public const string JobsOutput = "output/jobs.v1.schema.json";
    public const string PlanOutput = "output/plan.v1.schema.json";
    public const string ToolsOutput = "output/tools.v1.schema.json";
    public const string ProfilesOutput = "output/profiles.v1.schema.json";
    public const string LogsOutput = "output/logs.v1.schema.json";
    public const string UiOutput = "output/ui.v1.schema.json";
    public const string ValidateOutput = "output/validate.v1.schema.json";
    public const string DashboardOutput = "output/dashboard.v1.schema.json";
    public const string LegacyJob = "legacy/job.schema.json";
    public const string LegacyWorkstream = "legacy/workstream.schema.json";
    public const string LegacyTaskSpec = "legacy/task_spec.schema.json";

    // Schemas are immutable once built; this cache holds no state a run could change.
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Cache = new(StringComparer.Ordinal);

    public static JsonSchema Get(string name) => Cache.GetOrAdd(name, n => new Lazy<JsonSchema>(() => Build(n))).Value;

    // A schema that names another of ours by file ("costs.v1.schema.json") finds it by its $id once that one is built.
    private static JsonSchema Build(string name)
    {
        var text = Text(name);
        foreach (Match reference in OtherSchema().Matches(text))
        {
            Get(Path.Combine(Path.GetDirectoryName(name) ?? "", reference.Groups[1].Value).Replace('\\', '/'));
        }

        var schema = JsonSchema.FromText(text);
        SchemaRegistry.Global.Register(schema);
        return schema;
    }

    [GeneratedRegex("\"\\$ref\":\\s*\"([^\"#:]+)(?:#[^\"]*)?\"")]
    private static partial Regex OtherSchema();

    public static string Text(string name)
    {
        using var stream = typeof(SchemaCatalog).Assembly.GetManifestResourceStream($"schema/{name}")
                           ?? throw new InvalidOperationException($"schema/{name} is not embedded in Orch.Core");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static IEnumerable<string> Names() => typeof(SchemaCatalog).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("schema/", StringComparison.Ordinal)).Select(n => n["schema/".Length..]);

    internal static Assembly Assembly => typeof(SchemaCatalog).Assembly;
}
