using Orch.Core.Diagnostics;
using Orch.Core.Documents;

namespace Orch.Core.Jobs;

/// <summary>
/// Resolves a <see cref="LegacyJob"/> into the <see cref="JobSpec"/> <c>job run</c> and workers execute: paths against the
/// repository (Windows paths and escapes refused, with their position), the message file read, the legacy retry default.
/// </summary>
internal static class LegacyJobReader
{
    public static JobSpec? Read(JobReadContext context)
    {
        var job = LegacyJob.Read(context.Root);
        var repository = context.Paths;
        string? workingDirectory = null;
        string? logFile = null;
        string? errorReport = null;
        if (job.Paths is { } paths)
        {
            repository = ReadRepositoryRoot(paths, context) ?? repository;
            workingDirectory = context.ResolvePath(paths, "working_dir", repository, mustExist: true);
            logFile = context.ResolvePath(paths, "log_file", repository);
            errorReport = context.ResolvePath(paths, "error_report", repository);
        }

        var prompt = ReadMessageFile(job.Metadata, repository, context);
        if (job.Policy == RetryPolicy.None && job.MaxRetries > 0)
        {
            context.Warn(job.Metadata!.Node("max_retries")!, DiagnosticCodes.InvalidValue,
                $"metadata.max_retries is {job.MaxRetries} but metadata.retry_policy is 'none', so the job is not retried",
                "Set retry_policy to retry_same to retry, or remove max_retries.");
        }

        if (job is not { Id: { } id, Tool: { } tool, Command: { } command, Environment: { } env } || workingDirectory is null)
        {
            return null;
        }

        var spec = context.NewSpec(id, tool, command, env, repository, workingDirectory, logFile, errorReport, job.TimeoutSeconds);
        return spec with
        {
            Retry = spec.Retry with
            {
                MaxRetries = job.Policy == RetryPolicy.None ? 0 : job.MaxRetries ?? LegacyJob.DefaultMaxRetries,
                Policy = job.Policy,
                EscalateTo = job.EscalateTo,
            },
            SourceRunId = job.RunId,
            WorkstreamId = job.WorkstreamId,
            FilesScope = job.FilesScope ?? [],
            Prompt = prompt,
            // Legacy jobs name their executable in command.exe; the tool's configured one is not theirs.
            Executable = null,
        };
    }

    /// <summary>The instruction in <c>metadata.message_file</c>, kept so an escalation can hand it to the next tool.</summary>
    private static string? ReadMessageFile(FieldReader? metadata, RepositoryPaths repository, JobReadContext context)
    {
        if (metadata is null || metadata.Text("message_file") is null)
        {
            return null;
        }

        var path = context.ResolvePath(metadata, "message_file", repository);
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            context.Warn(metadata.Node("message_file")!, DiagnosticCodes.InvalidValue,
                $"metadata.message_file '{metadata.Text("message_file")}' does not exist, so an escalation would have no instruction to hand over",
                "Create the file, or remove message_file.");
            return null;
        }

        return File.ReadAllText(path);
    }

    private static RepositoryPaths? ReadRepositoryRoot(FieldReader paths, JobReadContext context)
    {
        var text = paths.Text("repo_root");
        var node = paths.Node("repo_root");
        if (text is null || node is null)
        {
            return null;
        }

        if (context.Placeholders.Contains(node))
        {
            return null;
        }

        if (RepositoryPaths.IsWindowsPath(text))
        {
            paths.Error(node, DiagnosticCodes.WindowsPath,
                $"paths.repo_root is the Windows path '{text}', which cannot be used on this machine",
                $"Set paths.repo_root to '.' (the repository Orch runs in, {context.Paths.Root}) or to this machine's path of the repository.");
            return null;
        }

        var full = Path.GetFullPath(Path.IsPathFullyQualified(text) ? text : Path.Combine(context.Paths.Root, text));
        if (!Directory.Exists(full))
        {
            paths.Error(node, DiagnosticCodes.InvalidValue, $"paths.repo_root '{text}' is not an existing folder",
                "Set it to '.' for the repository Orch runs in.");
            return null;
        }

        return new RepositoryPaths(full);
    }
}
