using Orch.Abstractions.Adapters;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Jobs;
using Orch.Core.Serialization;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Planning;

/// <summary>
/// Reads one workstream mapping, in the v1 format or as a legacy bundle, told apart by content. Legacy bundles
/// map here and nowhere else: <c>tool</c> and <c>tasks</c> become <c>edit</c>, <c>acceptance_tests</c> become
/// RUNTIME commands, <c>circuit_breaker.max_error_repeats</c> becomes the oscillation threshold.
/// </summary>
internal static class WorkstreamReader
{
    // The adapters that can edit code: what edit.tool may name.
    private static readonly Lazy<string[]> EditTools = new(() => Adapters.Registry.AdapterRegistry.CreateDefault().Adapters
        .Where(a => a.Capabilities.Contains(Capability.CodeGeneration)).Select(a => a.Name).Order(StringComparer.Ordinal).ToArray());

    public static WorkstreamSpec? Read(SourceDocument document, YamlMappingNode map, ICollection<OrchDiagnostic> diagnostics)
    {
        var reader = new FieldReader(document, map, "", diagnostics);
        return FormatDetector.IsLegacyBundle(map) ? ReadLegacy(reader, document, map) : ReadV1(reader, document, map);
    }

    private static WorkstreamSpec? ReadV1(FieldReader reader, SourceDocument document, YamlMappingNode map)
    {
        reader.Text("version");
        var id = reader.Text("id", required: true);
        CheckId(reader, id);
        var title = reader.Text("title");
        var dependsOn = reader.StringList("depends_on") ?? [];
        var scope = reader.StringList("files_scope") ?? [];
        var create = reader.StringList("files_create") ?? [];
        CheckInside(reader, "files_scope", scope);
        CheckInside(reader, "files_create", create);
        var fixBaseline = reader.Flag("fix_baseline") ?? false;
        var edit = ReadEdit(reader.Map("edit"));
        var staticCommands = ReadCommands(reader, "static");
        var runtimeCommands = ReadCommands(reader, "runtime");
        var loop = ReadLoop(reader.Map("circuit_breaker"), legacy: false);
        var budget = reader.Number("budget_usd", 0);
        var phaseBudgets = Settings.ProjectSettings.ReadPhaseBudgets(reader.Map("phase_budget_usd"));
        reader.ReportUnknownFields(FindingSeverity.Error);
        return id is null ? null : new WorkstreamSpec
        {
            Id = id,
            Title = title,
            DependsOn = dependsOn,
            FilesScope = scope,
            FilesCreate = create,
            FixBaseline = fixBaseline,
            Edit = edit,
            Static = staticCommands,
            Runtime = runtimeCommands,
            Loop = loop,
            BudgetUsd = budget is { } b ? (decimal)b : null,
            PhaseBudgetUsd = phaseBudgets,
            SourceFile = document.Path,
            SourceLine = FieldReader.Line(map),
            DependencyPositions = Positions(reader.Node("depends_on")),
        };
    }

    // A workstream id names its branch (orch/RUN/ID) and folders: it must be a safe name for both.
    private static readonly System.Text.RegularExpressions.Regex SafeId = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static void CheckId(FieldReader reader, string? id)
    {
        if (id is null || (SafeId.IsMatch(id) && !id.Contains("..", StringComparison.Ordinal) && !id.EndsWith(".lock", StringComparison.OrdinalIgnoreCase) && !id.EndsWith('.')))
        {
            return;
        }

        reader.Error(reader.Node("id")!, DiagnosticCodes.InvalidValue,
            $"workstream id '{id.ReplaceLineEndings("\\n")}' cannot name a git branch or a folder",
            "Use letters, digits, '.', '_' and '-', starting with a letter or digit, up to 100 characters (for example fix-parser-2).");
    }

    private static IReadOnlyDictionary<string, (int Line, int Column)> Positions(YamlNode? list)
    {
        var positions = new Dictionary<string, (int Line, int Column)>(StringComparer.Ordinal);
        if (list is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children.OfType<YamlScalarNode>().Where(i => i.Value is not null))
            {
                positions.TryAdd(item.Value!, (FieldReader.Line(item), FieldReader.Column(item)));
            }
        }

        return positions;
    }

    /// <summary>A scope entry must name something inside the repository: no absolute path, no way out through '..'.</summary>
    private static void CheckInside(FieldReader reader, string key, IReadOnlyList<string> entries)
    {
        const string root = "/orch-repository";
        foreach (var entry in entries)
        {
            var normalized = entry.Replace('\\', '/');
            var full = Path.GetFullPath(Path.Combine(root, normalized.TrimStart('/')));
            if (Path.IsPathRooted(normalized) || normalized.StartsWith('/') || (full != root && !full.StartsWith(root + "/", StringComparison.Ordinal)))
            {
                reader.Error(reader.Node(key)!, Diagnostics.DiagnosticCodes.PathOutsideRepository,
                    $"{key} entry '{entry}' is outside the repository",
                    "Scope entries are paths or globs relative to the repository root, such as src/ or src/**/*.cs, without a leading '/' or '..' that leaves it.");
            }
        }
    }

    private static WorkstreamSpec? ReadLegacy(FieldReader reader, SourceDocument document, YamlMappingNode map)
    {
        var id = reader.Text("id", required: true);
        CheckId(reader, id);
        var title = reader.Text("title");
        var dependsOn = reader.StringList("depends_on") ?? [];
        var scope = (reader.StringList("files_scope") ?? []).Concat(reader.StringList("files_modify") ?? []).Distinct().ToArray();
        var create = reader.StringList("files_create") ?? [];
        CheckInside(reader, reader.Has("files_scope") ? "files_scope" : "files_modify", scope);
        CheckInside(reader, "files_create", create);
        var tool = reader.Text("tool");
        var tasks = reader.StringList("tasks") ?? [];
        var description = reader.Text("description");
        var acceptance = reader.StringList("acceptance_tests");
        var loop = ReadLoop(reader.Map("circuit_breaker"), legacy: true);
        // Traceability and planning fields of the old engines carry no behaviour in Orch.
        foreach (var ignored in new[] { "gate", "ccpm_issue", "openspec_change", "metadata", "priority", "duration_days", "estimated_hours" })
        {
            reader.Node(ignored);
        }

        reader.ReportUnknownFields(FindingSeverity.Warning, "Legacy bundles are read as they are; this field is ignored.");
        return id is null ? null : new WorkstreamSpec
        {
            Id = id,
            Title = title ?? description,
            DependsOn = dependsOn,
            FilesScope = scope,
            FilesCreate = create,
            Edit = new EditSpec { Tool = tool, Tasks = tasks, Prompt = description },
            Runtime = acceptance?.Select(c => PhaseCommand.Shell(c)).ToArray(),
            Loop = loop,
            SourceFile = document.Path,
            SourceLine = FieldReader.Line(map),
            DependencyPositions = Positions(reader.Node("depends_on")),
        };
    }

    private static EditSpec ReadEdit(FieldReader? edit)
    {
        if (edit is null)
        {
            return new EditSpec();
        }

        var tool = edit.Text("tool");
        if (tool is not null && !EditTools.Value.Contains(tool, StringComparer.Ordinal))
        {
            var suggestion = FieldReader.Suggest(tool, EditTools.Value);
            edit.Error(edit.Node("tool")!, DiagnosticCodes.InvalidValue,
                $"edit.tool '{tool}' is not an edit tool{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")}",
                $"Use one of: {string.Join(", ", EditTools.Value)} (`dotnet orch tools` lists them).");
        }

        var capability = Capability.CodeGeneration;
        if (edit.Text("capability") is { } word && !OrchJson.TryParseEnum(word, out capability))
        {
            var names = Enum.GetValues<Capability>().Select(OrchJson.EnumText).ToList();
            var suggestion = FieldReader.Suggest(word, names);
            edit.Error(edit.Node("capability")!, DiagnosticCodes.InvalidValue,
                $"edit.capability '{word}' is not a capability{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")}", $"Use one of: {string.Join(", ", names)}.");
        }

        var prompt = edit.Text("prompt");
        var tasks = edit.StringList("tasks") ?? [];
        var command = edit.StringList("command") ?? [];
        var model = edit.Text("model");
        var escalation = edit.StringList("escalation") ?? [];
        // The legacy retry_policy words name a one-step chain.
        if (escalation.Count == 0 && edit.Text("retry_policy") is { } policy && RetryPolicies.Parse(policy, edit, "retry_policy").EscalateTo is { } next)
        {
            escalation = [next];
        }

        var perTool = edit.WholeNumber("fix_attempts_per_tool", 1);
        if (tool == "script" && command.Count == 0)
        {
            edit.Missing("command", "the argv the script tool runs");
        }

        edit.ReportUnknownFields(FindingSeverity.Error);
        return new EditSpec
        {
            Tool = tool, Capability = capability, Prompt = prompt, Tasks = tasks, Command = command, Model = model,
            Escalation = escalation, FixAttemptsPerTool = perTool,
        };
    }

    /// <summary>The one reader of phase command lists, for workstreams and profiles alike.</summary>
    internal static List<PhaseCommand>? ReadCommands(FieldReader reader, string key)
    {
        var node = reader.Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlSequenceNode sequence)
        {
            reader.Error(node, DiagnosticCodes.WrongType, $"{key} must be a list of commands, not {FieldReader.Kind(node)}",
                "Each command is an argv list ([dotnet, build]), a string run through the shell, or {command: ..., autofix: true, verify: [...], files: --include}.");
            return null;
        }

        var commands = new List<PhaseCommand>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var path = $"{key}[{i}]";
            switch (sequence.Children[i])
            {
                case YamlScalarNode { Value: { Length: > 0 } text }:
                    commands.Add(PhaseCommand.Shell(text));
                    break;
                case YamlSequenceNode argv:
                    if (reader.StringList(argv, path) is { Count: > 0 } items)
                    {
                        commands.Add(new PhaseCommand { Command = items });
                    }

                    break;
                case YamlMappingNode map:
                    var item = new FieldReader(reader.Document, map, path, reader.Diagnostics);
                    var autofix = item.Flag("autofix") ?? false;
                    var verify = item.StringList("verify") ?? [];
                    var files = item.Text("files");
                    var command = item.Node("command");
                    item.ReportUnknownFields(FindingSeverity.Error);
                    if (command is YamlScalarNode { Value: { Length: > 0 } shell })
                    {
                        commands.Add(PhaseCommand.Shell(shell, autofix));
                    }
                    else if (command is YamlSequenceNode list && item.StringList(list, $"{path}.command") is { Count: > 0 } argvItems)
                    {
                        commands.Add(new PhaseCommand { Command = argvItems, Autofix = autofix, Verify = verify, Files = files });
                    }
                    else
                    {
                        item.Missing("command", "an argv list or a shell string");
                    }

                    break;
                default:
                    reader.Error(sequence.Children[i], DiagnosticCodes.WrongType, $"{path} must be an argv list, a string or a mapping");
                    break;
            }
        }

        return commands;
    }

    private static LoopSettings ReadLoop(FieldReader? breaker, bool legacy)
    {
        var defaults = new LoopSettings();
        if (breaker is null)
        {
            return defaults;
        }

        var maxAttempts = breaker.WholeNumber("max_attempts", 1);
        var window = breaker.WholeNumber("oscillation_window", 2);
        var threshold = breaker.WholeNumber(legacy && breaker.Has("max_error_repeats") ? "max_error_repeats" : "oscillation_threshold", 1);
        breaker.ReportUnknownFields(legacy ? FindingSeverity.Warning : FindingSeverity.Error);
        return new LoopSettings
        {
            MaxAttempts = maxAttempts ?? defaults.MaxAttempts,
            OscillationWindow = window ?? defaults.OscillationWindow,
            OscillationThreshold = threshold ?? defaults.OscillationThreshold,
        };
    }
}
