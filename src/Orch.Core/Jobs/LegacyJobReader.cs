using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;

namespace Orch.Core.Jobs;

/// <summary>
/// Reads the legacy job format (compat/legacy/jobs/job.schema.json) as it is: <c>tool</c>, <c>command.exe</c>/<c>args</c>,
/// <c>env</c>, <c>paths</c> and <c>metadata</c>. This is the one place the legacy job maps onto <see cref="JobSpec"/>.
/// </summary>
internal static class LegacyJobReader
{
    // The legacy schema's default for metadata.max_retries.
    private const int LegacyDefaultMaxRetries = 3;

    public static JobSpec? Read(JobReadContext context)
    {
        var root = context.Root;
        var id = root.Text("job_id", required: true);
        var runId = root.Text("run_id");
        var workstream = root.Text("workstream_id", required: true);
        var tool = root.Text("tool", required: true);
        var command = ReadCommand(root.Map("command", required: true));
        var env = root.StringMap("env");
        if (env is null && !root.Has("env"))
        {
            root.Missing("env", "a mapping of environment variables; {} for none");
        }

        var paths = root.Map("paths", required: true);
        var repository = context.Paths;
        string? workingDirectory = null;
        string? logFile = null;
        string? errorReport = null;
        if (paths is not null)
        {
            repository = ReadRepositoryRoot(paths, context) ?? repository;
            foreach (var key in new[] { "working_dir", "log_file", "error_report" })
            {
                if (!paths.Has(key))
                {
                    paths.Missing(key, "a path relative to the repository root");
                }
            }

            workingDirectory = context.ResolvePath(paths, "working_dir", repository, mustExist: true);
            logFile = context.ResolvePath(paths, "log_file", repository);
            errorReport = context.ResolvePath(paths, "error_report", repository);
            paths.ReportUnknownFields(FindingSeverity.Warning, "Legacy jobs know repo_root, working_dir, log_file and error_report; other keys are ignored.");
        }

        var metadata = root.Map("metadata");
        var timeout = metadata?.WholeNumber("timeout_seconds", 1);
        var maxRetries = metadata?.WholeNumber("max_retries", 0);
        var policyText = metadata?.Text("retry_policy");
        var (policy, escalateTo) = policyText is null ? (RetryPolicy.RetrySame, null) : RetryPolicies.Parse(policyText, metadata!, "retry_policy");
        var filesScope = metadata?.StringList("files_scope") ?? [];
        var prompt = ReadMessageFile(metadata, repository, context);
        if (policy == RetryPolicy.None && maxRetries > 0)
        {
            context.Warn(metadata!.Node("max_retries")!, DiagnosticCodes.InvalidValue,
                $"metadata.max_retries is {maxRetries} but metadata.retry_policy is 'none', so the job is not retried",
                "Set retry_policy to retry_same to retry, or remove max_retries.");
        }

        // The legacy format allowed any tool-specific metadata (git_operation, test_type, ...): it is kept out of the spec silently.
        root.ReportUnknownFields(FindingSeverity.Warning, "Legacy jobs know job_id, run_id, workstream_id, tool, command, env, paths and metadata.");

        if (id is null || tool is null || command is null || workingDirectory is null || env is null)
        {
            return null;
        }

        var spec = context.NewSpec(id, tool, command, env, repository, workingDirectory, logFile, errorReport, timeout);
        return spec with
        {
            Retry = spec.Retry with
            {
                MaxRetries = policy == RetryPolicy.None ? 0 : maxRetries ?? LegacyDefaultMaxRetries,
                Policy = policy,
                EscalateTo = escalateTo,
            },
            SourceRunId = runId,
            WorkstreamId = workstream,
            FilesScope = filesScope,
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

    private static IReadOnlyList<string>? ReadCommand(FieldReader? command)
    {
        if (command is null)
        {
            return null;
        }

        var exe = command.Text("exe", required: true);
        var args = command.StringList("args");
        if (args is null && !command.Has("args"))
        {
            command.Missing("args", "a list of arguments; [] for none");
        }

        command.ReportUnknownFields(FindingSeverity.Error);
        return exe is null || args is null ? null : [exe, .. args];
    }

    private static RepositoryPaths? ReadRepositoryRoot(FieldReader paths, JobReadContext context)
    {
        var text = paths.Text("repo_root");
        var node = paths.Node("repo_root");
        if (text is null || node is null)
        {
            if (node is null)
            {
                paths.Missing("repo_root", "the repository root; '.' for the current repository");
            }

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
