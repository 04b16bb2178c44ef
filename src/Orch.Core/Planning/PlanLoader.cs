using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Translation;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Planning;

/// <summary>
/// Loads a plan from a file or a folder of files. A file holds one workstream (v1, a legacy bundle, or a UET task spec),
/// a list of them, or a mapping with a <c>workstreams</c> list. Every file is read even when others fail, and every problem is kept.
/// </summary>
public static class PlanLoader
{
    private static readonly string[] Extensions = [".json", ".yaml", ".yml"];

    public static Plan Load(string path)
    {
        var diagnostics = new List<OrchDiagnostic>();
        var workstreams = new List<WorkstreamSpec>();
        foreach (var file in Files(path, diagnostics))
        {
            var document = SourceDocument.Load(file, diagnostics);
            if (document is not null)
            {
                workstreams.AddRange(ReadDocument(document, diagnostics));
            }
        }

        PlanValidator.Validate(workstreams, diagnostics);
        return new Plan(path, workstreams, diagnostics);
    }

    private static IEnumerable<WorkstreamSpec> ReadDocument(SourceDocument document, List<OrchDiagnostic> diagnostics)
    {
        switch (document.Root)
        {
            case YamlSequenceNode list:
                foreach (var item in list.Children)
                {
                    if (Read(document, item, diagnostics) is { } ws)
                    {
                        yield return ws;
                    }
                }

                break;
            case YamlMappingNode map when map.Children.ContainsKey(new YamlScalarNode("workstreams")):
                var plan = new FieldReader(document, map, "", diagnostics);
                plan.Text("version");
                plan.Text("name");
                var items = plan.Node("workstreams");
                plan.ReportUnknownFields(FindingSeverity.Error);
                if (items is YamlSequenceNode sequence)
                {
                    foreach (var item in sequence.Children)
                    {
                        if (Read(document, item, diagnostics) is { } ws)
                        {
                            yield return ws;
                        }
                    }
                }
                else if (items is not null)
                {
                    plan.Error(items, DiagnosticCodes.WrongType, $"workstreams must be a list, not {FieldReader.Kind(items)}");
                }

                break;
            case YamlMappingNode when FormatDetector.Detect(document) == DocumentFormat.UetTask:
                // The one UET mapping: a task spec loads as the v1 workstream `convert` writes for it.
                var converted = SourceDocument.Translated(document, UetTranslator.TaskToWorkstream(document), diagnostics);
                if (converted is not null && Read(converted, converted.Root, diagnostics) is { } task)
                {
                    yield return task;
                }

                break;
            default:
                if (Read(document, document.Root, diagnostics) is { } single)
                {
                    yield return single;
                }

                break;
        }
    }

    private static WorkstreamSpec? Read(SourceDocument document, YamlNode node, List<OrchDiagnostic> diagnostics)
    {
        if (node is YamlMappingNode map)
        {
            return WorkstreamReader.Read(document, map, diagnostics);
        }

        diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.UnknownFormat, FindingSeverity.Error,
            $"a workstream is a mapping (an object), not {FieldReader.Kind(node)}", document.Path, FieldReader.Line(node), FieldReader.Column(node),
            "See schema/workstream.v1.schema.json."));
        return null;
    }

    private static IEnumerable<string> Files(string path, List<OrchDiagnostic> diagnostics)
    {
        if (File.Exists(path))
        {
            return [path];
        }

        if (Directory.Exists(path))
        {
            // JSON Schemas often sit beside the files they describe; they are not workstreams.
            return Directory.EnumerateFiles(path)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }

        diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.FileNotFound, FindingSeverity.Error, "no such file or folder", path,
            Hint: "Give a workstream file or a folder of them."));
        return [];
    }
}
