using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Jobs;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Translation;

/// <summary>
/// A legacy job (<c>command.exe</c>/<c>args</c>, <c>paths</c>, <c>metadata</c>) as v1 YAML, from the one legacy job mapping
/// (<see cref="LegacyJob"/>). Windows and absolute paths become paths relative to the repository, with a comment saying
/// what they were.
/// </summary>
public static class LegacyJobTranslator
{
    public static string Translate(SourceDocument document)
    {
        // Problems in the legacy file are for `validate` and `job run` to report; convert writes what it can read.
        var job = LegacyJob.Read(new FieldReader(document, (YamlMappingNode)document.Root, "", new List<OrchDiagnostic>()));
        var yaml = new YamlText().Comment($"Converted from {System.IO.Path.GetFileName(document.Path)} (legacy job) by `dotnet orch convert --to v1`.");
        yaml.Scalar("version", 1).Scalar("kind", "job");
        yaml.Scalar("id", job.Id);
        yaml.Scalar("tool", job.Tool);
        yaml.List("command", job.Command ?? [], flow: true);
        if (job.Environment is { } env)
        {
            yaml.Map("env", env);
        }

        if (job.Paths is not null)
        {
            if (job.RepoRoot is { } repoRoot)
            {
                yaml.Comment($"paths.repo_root was '{repoRoot}': v1 paths are relative to the repository Orch runs in");
            }

            WritePath("working_dir", job.WorkingDir);
            WritePath("log_file", job.LogFile);
            WritePath("error_report", job.ErrorReport);
        }

        if (job.Metadata is not null)
        {
            yaml.Scalar("timeout_seconds", job.TimeoutSeconds);
            yaml.Open("retry");
            yaml.Scalar("max_retries", job.MaxRetries, 2);
            yaml.Scalar("policy", job.RetryPolicyWord, 2);
            if (job.FilesScope is { } scope)
            {
                yaml.List("files_scope", scope);
            }

            if (job.MessageFile is { } message)
            {
                yaml.Comment($"metadata.message_file was '{message}'; put its instruction in `prompt:` for AI jobs without a command");
            }
        }

        yaml.Scalar("workstream_id", job.WorkstreamId);
        var dropped = new List<string>();
        if (job.RunId is { } run)
        {
            dropped.Add($"run_id ({run}: every run gets its own id)");
        }

        dropped.AddRange(job.OtherMetadata.Select(k => $"metadata.{k}"));
        if (dropped.Count > 0)
        {
            yaml.Comment($"dropped: {string.Join(", ", dropped)}");
        }

        return yaml.ToString();

        void WritePath(string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            var relative = Relative(value, job.RepoRoot);
            yaml.Scalar(key, relative, comment: relative == value ? null : $"was '{value}'");
        }
    }

    private static string Relative(string path, string? repoRoot)
    {
        var normalized = path.Replace('\\', '/');
        var root = repoRoot?.Replace('\\', '/').TrimEnd('/');
        if (root is not null && normalized.StartsWith(root, StringComparison.OrdinalIgnoreCase))
        {
            var rest = normalized[root.Length..].TrimStart('/');
            return rest.Length == 0 ? "." : rest;
        }

        return RepositoryPaths.IsWindowsPath(normalized) || normalized.StartsWith('/') ? "." : normalized;
    }

    internal static YamlNode? Child(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    internal static string? Text(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

}
