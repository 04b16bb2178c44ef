using Orch.Abstractions.Diagnostics;
using Orch.Core.Documents;

namespace Orch.Core.Jobs;

/// <summary>
/// The legacy job format (compat/legacy/jobs/job.schema.json), field by field: the one mapping of what each legacy field
/// means. <c>job run</c> resolves it into a <see cref="JobSpec"/> (<see cref="LegacyJobReader"/>); <c>convert</c> rewrites it
/// as v1 YAML (<see cref="Translation.LegacyJobTranslator"/>). Paths stay as written here; each of those two decides how to
/// treat them.
/// </summary>
internal sealed record LegacyJob
{
    /// <summary>The legacy schema's default for <c>metadata.max_retries</c>.</summary>
    public const int DefaultMaxRetries = 3;

    /// <summary>The metadata keys with a v1 meaning; any other is tool-specific and dropped.</summary>
    public static readonly string[] KnownMetadata = ["retry_policy", "timeout_seconds", "max_retries", "message_file", "files_scope"];

    public string? Id { get; init; }

    public string? RunId { get; init; }

    public string? WorkstreamId { get; init; }

    public string? Tool { get; init; }

    /// <summary><c>command.exe</c> followed by <c>command.args</c>.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The <c>paths</c> mapping, for resolving its entries with their positions.</summary>
    public FieldReader? Paths { get; init; }

    public string? RepoRoot { get; init; }

    public string? WorkingDir { get; init; }

    public string? LogFile { get; init; }

    public string? ErrorReport { get; init; }

    /// <summary>The <c>metadata</c> mapping, for positions of its entries.</summary>
    public FieldReader? Metadata { get; init; }

    public int? TimeoutSeconds { get; init; }

    public int? MaxRetries { get; init; }

    /// <summary>The <c>retry_policy</c> word as written, and what it means.</summary>
    public string? RetryPolicyWord { get; init; }

    public RetryPolicy Policy { get; init; } = RetryPolicy.RetrySame;

    public string? EscalateTo { get; init; }

    /// <summary><c>metadata.files_scope</c>, or <see langword="null"/> when the job has none.</summary>
    public IReadOnlyList<string>? FilesScope { get; init; }

    public string? MessageFile { get; init; }

    /// <summary>Metadata keys with no v1 meaning (git_operation, test_type, ...).</summary>
    public IReadOnlyList<string> OtherMetadata { get; init; } = [];

    /// <summary>Reads every field, reporting missing, mistyped and unknown ones through <paramref name="root"/>.</summary>
    public static LegacyJob Read(FieldReader root)
    {
        var commandReader = root.Map("command", required: true);
        var env = root.StringMap("env");
        if (env is null && !root.Has("env"))
        {
            root.Missing("env", "a mapping of environment variables; {} for none");
        }

        var paths = root.Map("paths", required: true);
        if (paths is not null)
        {
            if (!paths.Has("repo_root"))
            {
                paths.Missing("repo_root", "the repository root; '.' for the current repository");
            }

            foreach (var key in new[] { "working_dir", "log_file", "error_report" })
            {
                if (!paths.Has(key))
                {
                    paths.Missing(key, "a path relative to the repository root");
                }
            }
        }

        var metadata = root.Map("metadata");
        var policyWord = metadata?.Text("retry_policy");
        var (policy, escalateTo) = policyWord is null ? (RetryPolicy.RetrySame, null) : RetryPolicies.Parse(policyWord, metadata!, "retry_policy");
        var job = new LegacyJob
        {
            Id = root.Text("job_id", required: true),
            RunId = root.Text("run_id"),
            WorkstreamId = root.Text("workstream_id", required: true),
            Tool = root.Text("tool", required: true),
            Command = ReadCommand(commandReader),
            Environment = env,
            Paths = paths,
            RepoRoot = paths?.Text("repo_root"),
            WorkingDir = paths?.Text("working_dir"),
            LogFile = paths?.Text("log_file"),
            ErrorReport = paths?.Text("error_report"),
            Metadata = metadata,
            TimeoutSeconds = metadata?.WholeNumber("timeout_seconds", 1),
            MaxRetries = metadata?.WholeNumber("max_retries", 0),
            RetryPolicyWord = policyWord,
            Policy = policy,
            EscalateTo = escalateTo,
            FilesScope = metadata?.Has("files_scope") == true ? metadata.StringList("files_scope") ?? [] : null,
            MessageFile = metadata?.Text("message_file"),
            OtherMetadata = metadata?.Keys.Where(k => !KnownMetadata.Contains(k)).ToList() ?? [],
        };
        paths?.ReportUnknownFields(FindingSeverity.Warning, "Legacy jobs know repo_root, working_dir, log_file and error_report; other keys are ignored.");
        // The legacy format allowed any tool-specific metadata (git_operation, test_type, ...): it is kept out of the spec silently.
        root.ReportUnknownFields(FindingSeverity.Warning, "Legacy jobs know job_id, run_id, workstream_id, tool, command, env, paths and metadata.");
        return job;
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
}
