using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Planning;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Translation;

/// <summary>Rewrites a legacy bundle, job or UET spec as v1 YAML, told apart by content.</summary>
public static class Converter
{
    public static LoadResult<string> ToV1(string file)
    {
        var diagnostics = new List<OrchDiagnostic>();
        var document = SourceDocument.Load(file, diagnostics);
        if (document is null)
        {
            return new LoadResult<string>(null, diagnostics);
        }

        switch (FormatDetector.Detect(document))
        {
            case DocumentFormat.LegacyJob:
                return new LoadResult<string>(LegacyJobTranslator.Translate(document), diagnostics);
            case DocumentFormat.LegacyBundle:
            case DocumentFormat.LegacyList:
                return Bundles(document, diagnostics);
            case DocumentFormat.UetTask:
                return new LoadResult<string>(UetTranslator.TaskToWorkstream(document), diagnostics);
            case DocumentFormat.UetExecutionRequest:
                return new LoadResult<string>(UetTranslator.ExecutionRequestToJob(document), diagnostics);
            case DocumentFormat.UetPhaseTemplate:
                return new LoadResult<string>(UetTranslator.PhaseToJobs(document), diagnostics);
            case var format:
                var kind = FormatDetector.Word(format);
                diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.UnknownFormat, FindingSeverity.Error,
                    $"nothing to convert: the file is {(format is DocumentFormat.Job or DocumentFormat.Workstream or DocumentFormat.Plan or DocumentFormat.Settings ? $"already a v1 {kind}" : "not a legacy format Orch translates")}",
                    file, 1, 1, "convert takes legacy workstream bundles, legacy jobs, and UET task, phase and execution-request specs."));
                return new LoadResult<string>(null, diagnostics);
        }
    }

    private static LoadResult<string> Bundles(SourceDocument document, List<OrchDiagnostic> diagnostics)
    {
        var maps = document.Root is YamlSequenceNode list ? list.Children.OfType<YamlMappingNode>().ToList() : [(YamlMappingNode)document.Root];
        var yaml = new YamlText().Comment($"Converted from {Path.GetFileName(document.Path)} (legacy workstream bundle) by `dotnet orch convert --to v1`.");
        if (maps.Count > 1)
        {
            yaml.Scalar("version", 1).Open("workstreams");
        }

        foreach (var map in maps)
        {
            var ws = WorkstreamReader.Read(document, map, diagnostics);
            if (ws is null)
            {
                continue;
            }

            if (maps.Count > 1)
            {
                yaml.Item(2);
                LegacyBundleTranslator.Write(yaml, ws, map, 4, first: true);
            }
            else
            {
                LegacyBundleTranslator.Write(yaml, ws, map, 0, first: true);
            }
        }

        return new LoadResult<string>(diagnostics.Any(d => d.IsError) ? null : yaml.ToString(), diagnostics);
    }
}
