using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Schemas;

/// <summary>
/// Checks files of any format Orch reads, told apart by content: v1 jobs, workstreams and plans, legacy jobs and
/// bundles (list-per-file too), UET task specs, and project settings. The JSON Schema decides the shape; the loaders
/// add what a schema cannot say (paths, placeholders, graph) and their did-you-mean suggestions. Every problem of
/// every file is reported; nothing stops at the first.
/// </summary>
public static class FileValidator
{
    private static readonly string[] Extensions = [".json", ".yaml", ".yml"];

    public sealed record FileResult(string File, string Kind, IReadOnlyList<OrchDiagnostic> Diagnostics)
    {
        public bool Valid => !Diagnostics.Any(d => d.IsError);
    }

    public static IReadOnlyList<FileResult> Validate(string path, string repositoryRoot)
    {
        if (File.Exists(path))
        {
            var single = ValidateFile(path, repositoryRoot);
            var graph = single.Kind is "plan" or "workstream" or "legacy-bundle" or "legacy-list" ? GraphDiagnostics(path) : [];
            return [single with { Diagnostics = Merge(single.Diagnostics, graph) }];
        }

        if (!Directory.Exists(path))
        {
            return [new FileResult(path, "missing", [new OrchDiagnostic(DiagnosticCodes.FileNotFound, FindingSeverity.Error, "no such file or folder", path)])];
        }

        var results = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) && !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(f => ValidateFile(f, repositoryRoot))
            .ToList();
        // Dependencies cross files: the folder's workstreams are checked as one plan.
        var plan = GraphDiagnostics(path);
        return results.Select(r => r with { Diagnostics = Merge(r.Diagnostics, plan.Where(d => d.File == r.File).ToList()) }).ToList();
    }

    public static FileResult ValidateFile(string file, string repositoryRoot)
    {
        var diagnostics = new List<OrchDiagnostic>();
        var document = SourceDocument.Load(file, diagnostics);
        if (document is null)
        {
            return new FileResult(file, "unreadable", diagnostics);
        }

        var kind = FormatDetector.Word(FormatDetector.Detect(document));
        switch (kind)
        {
            case "json-schema":
                return new FileResult(file, kind, []);
            case "legacy-config":
                return new FileResult(file, kind, [new OrchDiagnostic(DiagnosticCodes.LegacyConfiguration, FindingSeverity.Info,
                    "legacy engine configuration; Orch reads it through `dotnet orch import-config`", file, 1, 1,
                    $"Run `dotnet orch import-config {Path.GetDirectoryName(file)}` to turn it into .orch/orch.yaml settings.")]);
            case "uet-execution-request":
                return new FileResult(file, kind, [new OrchDiagnostic(DiagnosticCodes.LegacyProfile, FindingSeverity.Info,
                    "UET execution request; `dotnet orch convert --to v1` turns it into a job", file, 1, 1)]);
            case "uet-profile" or "uet-phase-template":
                return new FileResult(file, kind, [new OrchDiagnostic(DiagnosticCodes.LegacyProfile, FindingSeverity.Info,
                    "legacy UET profile or phase template; Orch's built-in profiles replace it", file, 1, 1)]);
        }

        IReadOnlyList<OrchDiagnostic> schema;
        IReadOnlyList<OrchDiagnostic> loader;
        switch (kind)
        {
            case "job":
                schema = SchemaValidator.Validate(document, document.Root, SchemaCatalog.Job);
                loader = new JobLoader(new RepositoryPaths(repositoryRoot)).Load(document).Diagnostics;
                break;
            case "legacy-job":
                schema = SchemaValidator.Validate(document, document.Root, SchemaCatalog.LegacyJob, FindingSeverity.Warning);
                loader = new JobLoader(new RepositoryPaths(repositoryRoot)).Load(document).Diagnostics;
                break;
            case "plan":
                schema = SchemaValidator.Validate(document, document.Root, SchemaCatalog.Plan);
                loader = WorkstreamDiagnostics(document);
                break;
            case "workstream":
                schema = SchemaValidator.Validate(document, document.Root, SchemaCatalog.Workstream);
                loader = WorkstreamDiagnostics(document);
                break;
            case "legacy-bundle":
                schema = SchemaValidator.Validate(document, document.Root, SchemaCatalog.LegacyWorkstream, FindingSeverity.Warning);
                loader = WorkstreamDiagnostics(document);
                break;
            case "legacy-list":
                schema = ((YamlSequenceNode)document.Root).Children
                    .SelectMany(item => SchemaValidator.Validate(document, item, SchemaCatalog.LegacyWorkstream, FindingSeverity.Warning)).ToList();
                loader = WorkstreamDiagnostics(document);
                break;
            case "uet-task":
                schema = SchemaValidator.Validate(document, document.Root, SchemaCatalog.LegacyTaskSpec);
                loader = [];
                break;
            case "settings":
                schema = SchemaValidator.Validate(document, document.Root, SchemaCatalog.Settings);
                loader = [];
                break;
            default:
                return new FileResult(file, "unknown", [new OrchDiagnostic(DiagnosticCodes.UnknownFormat, FindingSeverity.Error,
                    "not a format Orch reads: expected a job, a workstream (or a list of them), a plan, a UET task spec or project settings",
                    file, FieldReader.Line(document.Root), FieldReader.Column(document.Root), "See schema/ for the formats.")]);
        }

        return new FileResult(file, kind, Merge(loader, schema));
    }

    private static IReadOnlyList<OrchDiagnostic> WorkstreamDiagnostics(SourceDocument document)
    {
        var diagnostics = new List<OrchDiagnostic>();
        var nodes = document.Root switch
        {
            YamlSequenceNode list => list.Children,
            YamlMappingNode map when map.Children.TryGetValue(new YamlScalarNode("workstreams"), out var items) && items is YamlSequenceNode seq => seq.Children,
            _ => [document.Root],
        };
        foreach (var node in nodes.OfType<YamlMappingNode>())
        {
            WorkstreamReader.Read(document, node, diagnostics);
        }

        return diagnostics;
    }

    private static List<OrchDiagnostic> GraphDiagnostics(string path) =>
        PlanLoader.Load(path).Diagnostics.Where(d => d.Code.StartsWith("ORCH110", StringComparison.Ordinal)).ToList();

    /// <summary>The loader's messages first (they carry suggestions); a schema message only where no other already points.</summary>
    private static IReadOnlyList<OrchDiagnostic> Merge(IReadOnlyList<OrchDiagnostic> primary, IReadOnlyList<OrchDiagnostic> secondary)
    {
        var spots = primary.Select(d => (d.File, d.Line, d.Column)).ToHashSet();
        var errorLines = primary.Where(d => d.IsError).Select(d => (d.File, d.Line)).ToHashSet();
        return primary.Concat(secondary.Where(d => !spots.Contains((d.File, d.Line, d.Column)) && !(d.IsError && errorLines.Contains((d.File, d.Line)))))
            .OrderBy(d => d.Line ?? 0).ThenBy(d => d.Column ?? 0).ToList();
    }
}
