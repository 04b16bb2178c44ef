using Orch.Core.Documents;
using Orch.Core.Jobs;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Translation;

/// <summary>
/// A legacy job (<c>command.exe</c>/<c>args</c>, <c>paths</c>, <c>metadata</c>) becomes a v1 job. Windows and absolute
/// paths become paths relative to the repository, with a comment saying what they were. The one place this mapping lives.
/// </summary>
public static class LegacyJobTranslator
{
    private static readonly string[] KnownMetadata = ["retry_policy", "timeout_seconds", "max_retries", "message_file", "files_scope"];

    public static string Translate(SourceDocument document)
    {
        var root = (YamlMappingNode)document.Root;
        var yaml = new YamlText().Comment($"Converted from {System.IO.Path.GetFileName(document.Path)} (legacy job) by `dotnet orch convert --to v1`.");
        yaml.Scalar("version", 1).Scalar("kind", "job");
        yaml.Scalar("id", Text(root, "job_id"));
        yaml.Scalar("tool", Text(root, "tool"));
        var command = Child(root, "command") as YamlMappingNode;
        var argv = new List<string>();
        if (command is not null && Text(command, "exe") is { } exe)
        {
            argv.Add(exe);
            argv.AddRange((Child(command, "args") as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "") ?? []);
        }

        yaml.List("command", argv, flow: true);
        if (Child(root, "env") is YamlMappingNode env)
        {
            yaml.Map("env", env.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", (kv.Value as YamlScalarNode)?.Value ?? "")));
        }

        if (Child(root, "paths") is YamlMappingNode paths)
        {
            if (Text(paths, "repo_root") is { } repoRoot)
            {
                yaml.Comment($"paths.repo_root was '{repoRoot}': v1 paths are relative to the repository Orch runs in");
            }

            WritePath("working_dir", Text(paths, "working_dir"), Text(paths, "repo_root"));
            WritePath("log_file", Text(paths, "log_file"), Text(paths, "repo_root"));
            WritePath("error_report", Text(paths, "error_report"), Text(paths, "repo_root"));
        }

        var metadata = Child(root, "metadata") as YamlMappingNode;
        if (metadata is not null)
        {
            yaml.Scalar("timeout_seconds", Number(metadata, "timeout_seconds"));
            yaml.Open("retry");
            yaml.Scalar("max_retries", Number(metadata, "max_retries"), 2);
            yaml.Scalar("policy", Text(metadata, "retry_policy"), 2);
            if ((Child(metadata, "files_scope") as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() is { } scope)
            {
                yaml.List("files_scope", scope);
            }

            if (Text(metadata, "message_file") is { } message)
            {
                yaml.Comment($"metadata.message_file was '{message}'; put its instruction in `prompt:` for AI jobs without a command");
            }
        }

        yaml.Scalar("workstream_id", Text(root, "workstream_id"));
        var dropped = new List<string>();
        if (Text(root, "run_id") is { } run)
        {
            dropped.Add($"run_id ({run}: every run gets its own id)");
        }

        dropped.AddRange(metadata?.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).Where(k => !KnownMetadata.Contains(k)).Select(k => $"metadata.{k}") ?? []);
        if (dropped.Count > 0)
        {
            yaml.Comment($"dropped: {string.Join(", ", dropped)}");
        }

        return yaml.ToString();

        void WritePath(string key, string? value, string? repoRoot)
        {
            if (value is null)
            {
                return;
            }

            var relative = Relative(value, repoRoot);
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

    private static long? Number(YamlMappingNode map, string key) => long.TryParse(Text(map, key), out var n) ? n : null;
}
