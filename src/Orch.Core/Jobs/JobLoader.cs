using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Execution;
using Orch.Core.Translation;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Jobs;

/// <summary>
/// Loads a job file in Orch's v1 format or the legacy job format, told apart by content. Every problem is collected
/// with its position; nothing is thrown for bad input.
/// </summary>
public sealed class JobLoader
{
    private readonly RepositoryPaths _paths;
    private readonly ToolSettings _tools;

    public JobLoader(RepositoryPaths paths, ToolSettings? tools = null)
    {
        _paths = paths;
        _tools = tools ?? ToolSettings.Empty;
    }

    public LoadResult<JobSpec> Load(string file)
    {
        var diagnostics = new List<OrchDiagnostic>();
        var document = SourceDocument.Load(file, diagnostics);
        return document is null ? new LoadResult<JobSpec>(null, diagnostics) : Load(document);
    }

    public LoadResult<JobSpec> Load(SourceDocument document)
    {
        var diagnostics = new List<OrchDiagnostic>();
        if (FormatDetector.Detect(document) == DocumentFormat.UetExecutionRequest)
        {
            // The one UET mapping: an execution request loads as the v1 job `convert` writes for it.
            var converted = SourceDocument.Translated(document, UetTranslator.ExecutionRequestToJob(document), diagnostics);
            if (converted is null)
            {
                return new LoadResult<JobSpec>(null, diagnostics);
            }

            document = converted;
        }

        if (document.Root is not YamlMappingNode root)
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.UnknownFormat, FindingSeverity.Error,
                $"a job file holds one mapping (an object), not {FieldReader.Kind(document.Root)}", document.Path,
                FieldReader.Line(document.Root), FieldReader.Column(document.Root), "See schema/job.v1.schema.json for the format."));
            return new LoadResult<JobSpec>(null, diagnostics);
        }

        var placeholders = PlaceholderScanner.Scan(document, root, diagnostics);
        var reader = new FieldReader(document, root, "", diagnostics);
        var context = new JobReadContext(document, reader, _paths, _tools, placeholders, diagnostics);
        var spec = FormatDetector.IsLegacyJob(root) ? LegacyJobReader.Read(context) : V1JobReader.Read(context);
        return new LoadResult<JobSpec>(diagnostics.Any(d => d.IsError) ? null : spec, diagnostics);
    }
}
