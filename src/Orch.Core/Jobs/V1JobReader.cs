using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Jobs;

/// <summary>Reads Orch's v1 job format (schema/job.v1.schema.json).</summary>
internal static class V1JobReader
{
    public static JobSpec? Read(JobReadContext context)
    {
        var root = context.Root;
        if (root.Node("version") is { } versionNode && (versionNode as YamlScalarNode)?.Value != "1")
        {
            root.Error(versionNode, DiagnosticCodes.InvalidValue, "version must be 1 for this Orch", "Remove 'version' or set it to 1.");
        }

        if (root.Node("kind") is { } kindNode && (kindNode as YamlScalarNode)?.Value != "job")
        {
            root.Error(kindNode, DiagnosticCodes.InvalidValue, "kind must be 'job' in a job file");
        }

        root.Text("description");
        var id = root.Text("id", required: true);
        var tool = root.Text("tool") ?? "process";
        var prompt = root.Text("prompt");
        var model = root.Text("model");
        var maxTurns = root.WholeNumber("max_turns", 1);
        var (command, shell) = tool is "aider" or "codex" or "claude" && !root.Has("command") && prompt is not null
            ? ([], false)
            : ReadCommand(root);
        var env = root.StringMap("env") ?? new Dictionary<string, string>();
        var workingDirectory = root.Has("working_dir")
            ? context.ResolvePath(root, "working_dir", context.Paths, mustExist: true)
            : context.Paths.Root;
        var logFile = context.ResolvePath(root, "log_file", context.Paths);
        var errorReport = context.ResolvePath(root, "error_report", context.Paths);
        var timeout = root.WholeNumber("timeout_seconds", 1);
        var successCodes = root.IntList("success_exit_codes");
        var filesScope = root.StringList("files_scope") ?? [];
        var workstream = root.Text("workstream_id");
        var retry = ReadRetry(root.Map("retry"));
        root.ReportUnknownFields(FindingSeverity.Error);

        if (id is null || command is null || workingDirectory is null)
        {
            return null;
        }

        var spec = context.NewSpec(id, tool, command, env, context.Paths, workingDirectory, logFile, errorReport, timeout);
        return spec with
        {
            UseShell = shell,
            Retry = retry ?? spec.Retry,
            SuccessExitCodes = successCodes ?? spec.SuccessExitCodes,
            FilesScope = filesScope,
            WorkstreamId = workstream,
            Prompt = prompt,
            Model = model ?? spec.Model,
            MaxTurns = maxTurns,
        };
    }

    private static (IReadOnlyList<string>? Command, bool Shell) ReadCommand(FieldReader root)
    {
        var shellFlag = root.Flag("shell");
        var node = root.Node("command");
        switch (node)
        {
            case null:
                root.Missing("command", "an argv list such as [dotnet, test], or a string run through the shell; AI tools take a prompt instead");
                return (null, false);
            case YamlScalarNode { Value: { Length: > 0 } text }:
                if (shellFlag == false)
                {
                    root.Error(node, DiagnosticCodes.InvalidValue, "command is a string but shell is false",
                        "Write command as an argv list, or drop 'shell: false'.");
                }

                return ([text], true);
            case YamlSequenceNode:
                var argv = root.StringList(node, "command");
                if (argv is { Count: 0 })
                {
                    root.Error(node, DiagnosticCodes.InvalidValue, "command is an empty list", "Name at least the executable.");
                    return (null, false);
                }

                if (argv is not null && shellFlag == true && argv.Count != 1)
                {
                    root.Error(node, DiagnosticCodes.InvalidValue, "with shell: true, command must be one string",
                        "Write command as one string, or drop 'shell: true' to run the argv list directly.");
                }

                return (argv, shellFlag == true);
            default:
                root.Error(node, DiagnosticCodes.WrongType, $"command must be an argv list or a string, not {FieldReader.Kind(node)}");
                return (null, false);
        }
    }

    private static RetrySettings? ReadRetry(FieldReader? retry)
    {
        if (retry is null)
        {
            return null;
        }

        var defaults = new RetrySettings();
        var maxRetries = retry.WholeNumber("max_retries", 0);
        var baseDelay = retry.Number("base_delay_seconds", 0);
        var jitter = retry.Flag("jitter");
        var policyText = retry.Text("policy");
        var (policy, escalateTo) = policyText is null ? (RetryPolicy.RetrySame, null) : RetryPolicies.Parse(policyText, retry, "policy");
        retry.ReportUnknownFields(FindingSeverity.Error);
        return defaults with
        {
            MaxRetries = policy == RetryPolicy.None ? 0 : maxRetries ?? defaults.MaxRetries,
            BaseDelay = baseDelay is { } d ? TimeSpan.FromSeconds(d) : defaults.BaseDelay,
            UseJitter = jitter ?? defaults.UseJitter,
            Policy = policy,
            EscalateTo = escalateTo,
        };
    }
}
