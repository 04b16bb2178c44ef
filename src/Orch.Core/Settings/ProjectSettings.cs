using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Execution;
using Orch.Core.Planning;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Settings;

/// <summary>
/// The project's settings in <c>.orch/orch.yaml</c>, as far as the engine reads them: <c>tools:</c> (timeouts,
/// retries, breakers) and <c>worktree.setup</c> (commands run in each new worktree, such as a restore). Other
/// sections (profile, budgets) belong to other features and are left to them.
/// </summary>
public sealed record ProjectSettings(ToolSettings Tools, IReadOnlyList<PhaseCommand> WorktreeSetup)
{
    public static ProjectSettings Empty { get; } = new(ToolSettings.Empty, []);

    public static string PathFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".orch", "orch.yaml");

    public static LoadResult<ProjectSettings> Load(string repositoryRoot)
    {
        var path = PathFor(repositoryRoot);
        var diagnostics = new List<OrchDiagnostic>();
        if (!File.Exists(path))
        {
            return new LoadResult<ProjectSettings>(Empty, diagnostics);
        }

        var document = SourceDocument.Load(path, diagnostics);
        if (document is null)
        {
            return new LoadResult<ProjectSettings>(null, diagnostics);
        }

        if (document.Root is not YamlMappingNode root)
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.UnknownFormat, Abstractions.Diagnostics.FindingSeverity.Error,
                ".orch/orch.yaml must hold a mapping", path, FieldReader.Line(document.Root), FieldReader.Column(document.Root)));
            return new LoadResult<ProjectSettings>(null, diagnostics);
        }

        var reader = new FieldReader(document, root, "", diagnostics);
        var tools = ToolSettings.Read(reader);
        var setup = new List<PhaseCommand>();
        if (reader.Map("worktree") is { } worktree)
        {
            foreach (var command in worktree.StringList("setup") ?? [])
            {
                setup.Add(PhaseCommand.Shell(command));
            }
        }

        return new LoadResult<ProjectSettings>(diagnostics.Any(d => d.IsError) ? null : new ProjectSettings(tools, setup), diagnostics);
    }
}
