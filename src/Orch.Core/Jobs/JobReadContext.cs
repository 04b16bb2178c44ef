using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Execution;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Jobs;

/// <summary>What both job readers share: the document, its root reader, the repository and path checks.</summary>
internal sealed record JobReadContext(
    SourceDocument Document,
    FieldReader Root,
    RepositoryPaths Paths,
    ToolSettings Tools,
    IReadOnlySet<YamlNode> Placeholders,
    List<OrchDiagnostic> Diagnostics)
{
    /// <summary>Resolves a path field against <paramref name="paths"/>; reports Windows paths and escapes.</summary>
    public string? ResolvePath(FieldReader reader, string key, RepositoryPaths paths, bool mustExist = false)
    {
        var text = reader.Text(key);
        var node = reader.Node(key);
        if (text is null || node is null || Placeholders.Contains(node))
        {
            return null;
        }

        if (RepositoryPaths.IsWindowsPath(text))
        {
            reader.Error(node, DiagnosticCodes.WindowsPath,
                $"{reader.FieldPath(key)} is the Windows path '{text}', which cannot be used on this machine",
                $"Write {reader.FieldPath(key)} relative to the repository root ({paths.Root}), for example '.'.");
            return null;
        }

        var full = paths.Resolve(text);
        if (full is null)
        {
            reader.Error(node, DiagnosticCodes.PathOutsideRepository,
                $"{reader.FieldPath(key)} '{text}' resolves outside the repository root {paths.Root}",
                "Jobs may only work, log and report inside the repository; use a path below its root.");
            return null;
        }

        if (mustExist && !Directory.Exists(full))
        {
            reader.Error(node, DiagnosticCodes.InvalidValue, $"{reader.FieldPath(key)} '{text}' is not an existing folder",
                "Create the folder or correct the path.");
            return null;
        }

        return full;
    }

    public void Warn(YamlNode node, string code, string message, string? hint = null) =>
        Root.Report(node, code, message, FindingSeverity.Warning, hint);

    /// <summary>
    /// The job both formats describe: what they name, and the tool's defaults for the rest (timeout, retries, success
    /// codes, model, executable). Each reader adds what only its format says.
    /// </summary>
    public JobSpec NewSpec(string name, string tool, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment,
        RepositoryPaths repository, string workingDirectory, string? logFile, string? errorReport, long? timeoutSeconds)
    {
        var defaults = Tools.For(tool);
        return new JobSpec
        {
            Name = name,
            Tool = tool,
            Command = command,
            Environment = environment,
            RepositoryRoot = repository.Root,
            WorkingDirectory = workingDirectory,
            LogFile = logFile,
            ErrorReport = errorReport,
            Timeout = timeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : defaults.Timeout,
            StallTimeout = defaults.StallAfter(tool),
            Retry = defaults.Retry,
            SuccessExitCodes = defaults.SuccessExitCodes,
            Model = defaults.Model,
            Executable = defaults.Executable,
            SourceFile = Document.Path,
        };
    }
}
