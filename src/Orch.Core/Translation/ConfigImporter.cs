using System.Globalization;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Translation;

/// <summary>
/// Turns a legacy config folder into <c>.orch/orch.yaml</c> settings: <c>tool_profiles.json</c> and
/// <c>agent_profiles.json</c> become <c>tools:</c>, the enabled agents the escalation chain, and
/// <c>circuit_breakers.yaml</c> the FIX attempts per tool. What has no equivalent is listed in comments, never lost silently.
/// </summary>
public static class ConfigImporter
{
    private static readonly string[] AgentOrder = ["aider", "codex", "claude"];
    private static readonly string[] BreakerKeys = ["max_attempts_per_step", "oscillation_window", "oscillation_threshold", "max_attempts_per_error_signature"];
    private static readonly string[] NotImported = ["router.config.yaml", "decomposition_rules.yaml"];

    public sealed record ToolEntry(string Name)
    {
        public int? TimeoutSeconds { get; set; }

        public List<int>? SuccessExitCodes { get; set; }

        public string? Model { get; set; }

        public int? MaxRetries { get; set; }

        public List<string> Notes { get; } = [];
    }

    public static string Import(string folder)
    {
        var tools = new SortedDictionary<string, ToolEntry>(StringComparer.Ordinal);
        var notes = new List<string>();
        var read = new List<string>();
        ToolEntry Tool(string name) => tools.TryGetValue(name, out var t) ? t : tools[name] = new ToolEntry(name);

        if (Json(folder, "tool_profiles.json", read) is { } profiles)
        {
            // Timeouts and exit codes come from the one legacy mapping the engine uses too; only the notes are read here.
            var mapped = Execution.ToolSettings.FromLegacy(profiles.RootElement.GetRawText(), null);
            foreach (var profile in profiles.RootElement.EnumerateObject())
            {
                var tool = Tool(profile.Name);
                var options = mapped.For(profile.Name);
                tool.TimeoutSeconds = (int)options.Timeout.TotalSeconds;
                tool.SuccessExitCodes = options.SuccessExitCodes.ToList();
                if (profile.Value.TryGetProperty("command", out var command))
                {
                    var args = profile.Value.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(x => x.ToString()) : [];
                    tool.Notes.Add($"legacy command: {command} {string.Join(' ', args)}".TrimEnd());
                }
            }
        }

        var chain = new List<string>();
        if (Json(folder, "agent_profiles.json", read) is { } agents)
        {
            var escalation = agents.RootElement.TryGetProperty("escalation", out var e) ? e : default;
            if (agents.RootElement.TryGetProperty("agents", out var list))
            {
                foreach (var agent in list.EnumerateObject())
                {
                    var tool = Tool(agent.Name);
                    tool.Model = Text(agent.Value, "model");
                    tool.TimeoutSeconds = Int(agent.Value, "timeout_seconds") ?? tool.TimeoutSeconds;
                    tool.MaxRetries = Int(agent.Value, "max_attempts") is { } attempts ? Math.Max(0, attempts - 1) : null;
                    var enabled = !agent.Value.TryGetProperty("enabled", out var en) || en.ValueKind != JsonValueKind.False;
                    var escalationEnabled = escalation.ValueKind != JsonValueKind.Object || !escalation.TryGetProperty($"enable_{agent.Name}", out var on) || on.ValueKind != JsonValueKind.False;
                    if (enabled && escalationEnabled && AgentOrder.Contains(agent.Name))
                    {
                        chain.Add(agent.Name);
                    }
                    else if (!enabled)
                    {
                        tool.Notes.Add("disabled in agent_profiles.json, so left out of the escalation chain");
                    }

                    if (agent.Value.TryGetProperty("flags", out var flags))
                    {
                        tool.Notes.Add($"legacy flags {JsonSerializer.Serialize(flags)}: Orch passes its own flags to {agent.Name}");
                    }

                    if (agent.Value.TryGetProperty("env_vars", out var env))
                    {
                        tool.Notes.Add($"legacy env_vars {JsonSerializer.Serialize(env)}: set them in the environment Orch runs in");
                    }
                }
            }

            if (escalation.ValueKind == JsonValueKind.Object && Int(escalation, "max_total_attempts") is { } total)
            {
                notes.Add($"agent_profiles.json escalation.max_total_attempts {total}: use budgets or circuit_breaker.max_attempts in workstreams");
            }
        }

        int? fixAttempts = null;
        if (Yaml(folder, "circuit_breakers.yaml", read) is YamlMappingNode breakers
            && breakers.Children.TryGetValue(new YamlScalarNode("defaults"), out var d) && d is YamlMappingNode defaults)
        {
            fixAttempts = ScalarInt(defaults, "max_fix_attempts_per_step");
            foreach (var key in BreakerKeys)
            {
                if (ScalarInt(defaults, key) is { } value)
                {
                    notes.Add($"circuit_breakers.yaml defaults.{key} {value}: a workstream's circuit_breaker ({Equivalent(key)}) takes it");
                }
            }
        }

        if (Json(folder, "router_config.json", read) is { } router && router.RootElement.TryGetProperty("defaults", out var routerDefaults))
        {
            notes.Add($"router_config.json defaults {JsonSerializer.Serialize(routerDefaults)}: Orch routes by the escalation chain and each tool's settings");
        }

        if (Yaml(folder, "aim_config.yaml", read) is YamlMappingNode aim)
        {
            notes.Add($"aim_config.yaml ({string.Join(", ", aim.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value))}): Orch has no AIM layer; its adapters and event log replace it");
        }

        foreach (var other in NotImported.Where(f => File.Exists(Path.Combine(folder, f))))
        {
            notes.Add($"{other}: not imported (no equivalent in Orch)");
        }

        var yaml = new YamlText()
            .Comment($"Imported from {string.Join(", ", read)} by `dotnet orch import-config`.")
            .Scalar("version", 1)
            .Open("tools");
        foreach (var tool in tools.Values)
        {
            yaml.Open(tool.Name, 2);
            foreach (var note in tool.Notes)
            {
                yaml.Comment(note, 4);
            }

            yaml.Scalar("model", tool.Model, 4);
            yaml.Scalar("timeout_seconds", tool.TimeoutSeconds, 4);
            if (tool.SuccessExitCodes is { } codes)
            {
                yaml.Numbers("success_exit_codes", codes.Select(c => (long)c), 4);
            }

            if (tool.MaxRetries is { } retries)
            {
                yaml.Open("retry", 4).Scalar("max_retries", retries, 6);
            }
        }

        if (chain.Count > 0 || fixAttempts is not null)
        {
            yaml.Open("escalation");
            yaml.List("chain", chain, 2, flow: true);
            yaml.Scalar("fix_attempts_per_tool", fixAttempts, 2, fixAttempts is null ? null : "circuit_breakers.yaml max_fix_attempts_per_step");
        }

        foreach (var note in notes)
        {
            yaml.Comment(note);
        }

        return yaml.ToString();
    }

    private static string Equivalent(string key) => key switch
    {
        "max_attempts_per_step" => "max_attempts",
        "oscillation_window" => "oscillation_window",
        "oscillation_threshold" => "oscillation_threshold",
        _ => "oscillation_threshold",
    };

    private static JsonDocument? Json(string folder, string name, List<string> read)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            return null;
        }

        read.Add(name);
        return JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
    }

    private static YamlNode? Yaml(string folder, string name, List<string> read)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            return null;
        }

        read.Add(name);
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? ScalarInt(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && int.TryParse((node as YamlScalarNode)?.Value, CultureInfo.InvariantCulture, out var n) ? n : null;
}
