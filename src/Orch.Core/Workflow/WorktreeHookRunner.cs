using Orch.Core.Events;
using Orch.Core.Execution;
using Orch.Core.Git;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Serialization;
using Orch.Core.Settings;
using Orch.Core.Storage;

namespace Orch.Core.Workflow;

/// <summary>
/// Runs the <c>worktree:</c> hooks of <c>.orch/orch.yaml</c> in a workstream's worktree, each as a job with its own log,
/// and copies <c>worktree.copy</c> files in. What a hook or a copy leaves in the worktree belongs to the environment:
/// it is added to the worktree's excludes, so it is never committed nor counted as the workstream's change.
/// </summary>
public sealed class WorktreeHookRunner(WorkflowServices services)
{
    private WorktreeHooks Hooks => services.Settings.Worktree;

    /// <summary>Where a worktree's exclude rules live: beside its prompts and results, outside the worktree.</summary>
    public static string ExcludesFile(string repositoryRoot, string runId, string workstreamId) =>
        Path.Combine(repositoryRoot, ".orch", "runs", runId, workstreamId, "git-exclude");

    /// <summary>Copies <c>worktree.copy</c> files from the main working tree; paths that do not exist there are skipped.</summary>
    public async Task CopyAsync(string repositoryRoot, string worktree, string excludesFile, CancellationToken cancellationToken)
    {
        var copied = new List<string>();
        foreach (var relative in Hooks.Copy)
        {
            var source = Path.GetFullPath(Path.Combine(repositoryRoot, relative));
            var target = Path.GetFullPath(Path.Combine(worktree, relative));
            if (File.Exists(source))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target, overwrite: true);
                copied.Add(relative);
            }
            else if (Directory.Exists(source))
            {
                CopyFolder(source, target);
                copied.Add(relative);
            }
        }

        await WorktreeExcludes.AddAsync(excludesFile, copied, cancellationToken);
    }

    /// <summary>
    /// Runs one hook's commands in order; returns why it failed, with the end of its output, or <see langword="null"/>.
    /// <paramref name="showRunning"/> is told the hook that runs now (and <see langword="null"/> after), for <c>status</c>.
    /// </summary>
    public Task<string?> RunAsync(string hook, IReadOnlyList<PhaseCommand> commands, WorkstreamContext context, string label,
        IReadOnlyDictionary<string, string> environment, Func<string?, Task>? showRunning, CancellationToken cancellationToken) =>
        RunAsync(hook, commands, new HookTarget(context.RunId, context.Spec.Id, context.RepositoryRoot, context.Worktree, context.Owner), label, environment,
            showRunning, cancellationToken);

    /// <summary>Runs one hook in a worktree that may have no workstream running in it any more (<c>before_remove</c> at cleanup).</summary>
    public async Task<string?> RunAsync(string hook, IReadOnlyList<PhaseCommand> commands, HookTarget context, string label,
        IReadOnlyDictionary<string, string> environment, Func<string?, Task>? showRunning, CancellationToken cancellationToken)
    {
        var excludes = ExcludesFile(context.RepositoryRoot, context.RunId, context.WorkstreamId);
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            var name = commands.Count == 1 ? $"{label}" : $"{label}-{i + 1}";
            var log = Path.Combine(context.RepositoryRoot, ".orch", "logs", context.RunId, context.WorkstreamId, $"{name}.log");
            var before = await UntrackedAsync(context.Worktree, cancellationToken);
            await services.Bus.PublishAsync(new HookStarted(context.WorkstreamId, hook, command.Display) { RunId = context.RunId });
            if (showRunning is not null)
            {
                await showRunning($"hook {hook} running: `{command.Display}`");
            }

            var tool = services.Settings.Tools.For("hook");
            var outcome = await services.Lifecycle.RunAsync(context.RunId, new JobSpec
            {
                Name = $"{context.WorkstreamId}:{name}",
                Tool = "hook",
                Command = command.Command,
                UseShell = command.UseShell,
                Environment = new Dictionary<string, string>(environment) { ["ORCH_HOOK"] = hook },
                RepositoryRoot = context.Worktree,
                WorkingDirectory = context.Worktree,
                LogFile = log,
                ErrorReport = Path.ChangeExtension(log, ".error.json"),
                Timeout = tool.Timeout,
                StallTimeout = tool.StallAfter("hook"),
                WorkstreamId = context.WorkstreamId,
            }, context.Owner, cancellationToken);
            if (outcome.Status == JobStatus.Cancelled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            var made = (await UntrackedAsync(context.Worktree, cancellationToken)).Except(before, StringComparer.Ordinal).ToList();
            await WorktreeExcludes.AddAsync(excludes, made, cancellationToken);
            var failed = outcome.Status != JobStatus.Succeeded;
            await services.Bus.PublishAsync(new HookFinished(context.WorkstreamId, hook, command.Display, !failed,
                failed ? outcome.Error ?? OrchJson.EnumText(outcome.Status) : null, outcome.LogFile) { RunId = context.RunId });
            if (showRunning is not null)
            {
                await showRunning(null);
            }

            if (failed)
            {
                var tail = LogTail.Lines(outcome.LogFile, 20);
                return $"{hook} hook `{command.Display}` failed ({outcome.Error ?? OrchJson.EnumText(outcome.Status)}); log {outcome.LogFile}; its output:\n{tail}";
            }
        }

        return null;
    }

    /// <summary>The variables every hook and tool of a workstream sees.</summary>
    public static Dictionary<string, string> Environment(WorkstreamContext context, string? phase, int? attempt) =>
        Environment(new HookTarget(context.RunId, context.Spec.Id, context.RepositoryRoot, context.Worktree, context.Owner), phase, attempt);

    /// <summary>The variables every hook and tool of a workstream sees.</summary>
    public static Dictionary<string, string> Environment(HookTarget context, string? phase, int? attempt)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ORCH_WORKSTREAM"] = context.WorkstreamId,
            ["ORCH_RUN_ID"] = context.RunId,
            ["ORCH_WORKTREE"] = context.Worktree,
        };
        if (phase is not null)
        {
            environment["ORCH_PHASE"] = phase;
        }

        if (attempt is { } number)
        {
            environment["ORCH_ATTEMPT"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return environment;
    }

    private async Task<HashSet<string>> UntrackedAsync(string worktree, CancellationToken cancellationToken)
    {
        var listed = await services.Git.TryRunAsync(worktree, ["ls-files", "-z", "--others", "--exclude-standard"], cancellationToken);
        return listed.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    private static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}

/// <summary>Where a hook runs: the workstream's worktree, and who runs it.</summary>
public sealed record HookTarget(string RunId, string WorkstreamId, string RepositoryRoot, string Worktree, WorkerIdentity Owner);
