using System.Text.Json;
using Orch.Core.Diagnostics;
using Orch.Core.Events;
using Orch.Core.Execution;
using Orch.Core.Git;
using Orch.Core.Planning;
using Orch.Core.Queue;
using Orch.Core.Serialization;
using Orch.Core.Storage;
using Orch.Core.Workflow.Distribution;

namespace Orch.Core.Workflow;

/// <summary>
/// Runs a plan from a ready queue: a workstream starts as soon as its dependencies have merged and a slot is free, on a
/// worktree made from the target branch as it is then (so it holds its dependencies' work), never beside a running
/// workstream whose scope overlaps its own. Each successful workstream merges at once, one merge at a time; a failure
/// or a merge conflict skips only its dependents (or cancels everything with fail-fast). A run can be resumed after a
/// crash or Ctrl-C, and resume retries a merge that was blocked.
/// </summary>
public sealed class PlanRunner
{
    private readonly WorkflowServices _services;
    private readonly WorkstreamRunner _runner;
    private readonly WorktreeHookRunner _hooks;

    public PlanRunner(WorkflowServices services)
    {
        _services = services;
        _runner = new WorkstreamRunner(services);
        _hooks = new WorktreeHookRunner(services);
    }

    /// <summary>Starts a new run of <paramref name="plan"/> in the repository at <paramref name="repositoryRoot"/>.</summary>
    public async Task<RunSummary> RunAsync(Plan plan, string repositoryRoot, RunOptions options, Action<string>? onRunCreated, CancellationToken cancellationToken)
    {
        var root = await _services.Git.TopLevelAsync(repositoryRoot, cancellationToken)
                   ?? throw new GitException($"{repositoryRoot} is not a git repository; Orch runs workstreams on git branches (git init, then commit).");
        var baseSha = await _services.Git.HeadAsync(root, cancellationToken);
        EnsureOrchIgnored(root);
        var owner = ProcessInfo.Current();
        // The options go in with the run: a crash between two writes would leave a run that resume cannot find.
        var run = await _services.Runs.CreateRunAsync("plan", Path.GetFullPath(plan.Source), JsonSerializer.Serialize(
            new StoredRunOptions(Path.GetFullPath(plan.Source), root, baseSha, options, owner.ProcessId, owner.StartTicks,
                [.. plan.Workstreams.Select(w => new PlannedWorkstream(w.Id, w.Title, w.DependsOn))], SpecsFor(plan, options)), OrchJson.Options), cancellationToken);
        onRunCreated?.Invoke(run.Id);
        return await FinishOnFaultAsync(run.Id, () => ExecuteAsync(run.Id, plan, root, baseSha, options, [], cancellationToken));
    }

    /// <summary>A run that ends in an exception is recorded as failed, never left <c>running</c>.</summary>
    private async Task<RunSummary> FinishOnFaultAsync(string runId, Func<Task<RunSummary>> execute)
    {
        try
        {
            return await execute();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await _services.Runs.FinishRunAsync(runId, RunStatus.Failed, "error", CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Continues a run: finished workstreams and phases stay done; the rest restart from their last checkpoint on the base
    /// they started from; a blocked merge is tried again, and what was skipped or cancelled because of it runs.
    /// </summary>
    public async Task<RunSummary> ResumeAsync(string runId, Plan plan, StoredRunOptions stored, CancellationToken cancellationToken)
    {
        await _services.Runs.ReopenRunAsync(runId, cancellationToken);
        var previous = await _services.Runs.ListWorkstreamsAsync(runId, cancellationToken);
        var owner = ProcessInfo.Current();
        await _services.Runs.SetRunOptionsAsync(runId, JsonSerializer.Serialize(stored with
        {
            OwnerProcessId = owner.ProcessId, OwnerStartTicks = owner.StartTicks,
            Graph = [.. plan.Workstreams.Select(w => new PlannedWorkstream(w.Id, w.Title, w.DependsOn))],
            Specs = SpecsFor(plan, stored.Options),
        }, OrchJson.Options), cancellationToken);
        return await FinishOnFaultAsync(runId, () => ExecuteAsync(runId, plan, stored.RepositoryRoot, stored.BaseSha, stored.Options, previous, cancellationToken));
    }

    // Worker hosts have no copy of the plan: a distributed run stores each workstream in full.
    private static List<WorkstreamSpec>? SpecsFor(Plan plan, RunOptions options) =>
        options.Remote is null ? null : [.. plan.Workstreams.Select(w => w with { DependencyPositions = new Dictionary<string, (int Line, int Column)>() })];

    private async Task<RunSummary> ExecuteAsync(string runId, Plan plan, string root, string baseSha, RunOptions options,
        IReadOnlyList<WorkstreamRecord> previous, CancellationToken cancellationToken)
    {
        var self = OwnerIdentity.Direct();
        await new Reconciler(_services.Jobs, _services.Time).ReconcileAsync(self, cancellationToken);
        var merging = options.Merge && options.UseWorktrees;
        var remote = options.Remote is { } url ? new CheckpointRemote(_services.Git, url) : null;
        var outcomes = new Dictionary<string, WorkstreamOutcome>(StringComparer.Ordinal);
        var worktrees = (await _services.Runs.ListWorktreesAsync(runId, cancellationToken)).ToDictionary(w => w.WorkstreamId, StringComparer.Ordinal);
        var unmerged = new List<WorkstreamSpec>();
        foreach (var record in previous)
        {
            var tree = worktrees.GetValueOrDefault(record.Id);
            var done = new WorkstreamOutcome(record.Id, record.Status, record.StopReason ?? StopReason.Success, record.Attempts, record.Detail);
            var finishedWork = record.Status == WorkstreamStatus.Succeeded
                               || (record.Status == WorkstreamStatus.Failed && record.StopReason == StopReason.MergeConflict);
            if (plan.Workstreams.FirstOrDefault(w => w.Id == record.Id) is not { } spec)
            {
                continue;
            }

            if (finishedWork && merging && tree is not null && tree.Status != WorktreeStatus.Merged)
            {
                // Its work is done; only the merge is left (it crashed before, or the merge was blocked).
                unmerged.Add(spec);
                outcomes[record.Id] = done with { Status = WorkstreamStatus.Succeeded, StopReason = StopReason.Success, Detail = null };
            }
            else if (record.Status is WorkstreamStatus.Succeeded or WorkstreamStatus.Failed or WorkstreamStatus.NeedsAttention)
            {
                outcomes[record.Id] = done;
            }

            // Skipped and cancelled workstreams are decided again: what blocked them may be resolved.
        }

        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Every worktree of the run starts with the same exclude rules; reading them walks the index, so once is enough.
        Task<string>? rules = null;
        Task<string> ExcludeRules() => rules ??= WorktreeExcludes.RulesAsync(root, _services.Git, CancellationToken.None);
        var slots = Math.Max(1, options.UseWorktrees ? options.Parallel : 1);
        var pending = plan.Workstreams.Where(w => !outcomes.ContainsKey(w.Id)).ToList();
        var running = new Dictionary<Task<WorkstreamOutcome>, WorkstreamSpec>();
        foreach (var ws in unmerged)
        {
            outcomes[ws.Id] = await MergeAsync(runId, ws, root, worktrees[ws.Id], outcomes[ws.Id], remote);
            if (outcomes[ws.Id].Status == WorkstreamStatus.Succeeded && previous.First(r => r.Id == ws.Id) is { Status: not WorkstreamStatus.Succeeded } blocked)
            {
                // The merge that was blocked went through: the workstream's record says so, not the old conflict.
                await _services.Runs.SaveWorkstreamAsync(blocked with { Status = WorkstreamStatus.Succeeded, StopReason = StopReason.Success, Detail = null,
                    FinishedAt = _services.Time.GetUtcNow() }, CancellationToken.None);
            }

            if (outcomes[ws.Id].Status != WorkstreamStatus.Succeeded && options.FailFast)
            {
                await failFast.CancelAsync();
            }
        }

        try
        {
            while (true)
            {
                await SettleAsync();
                // Plan order among the ready: the order people wrote, which the dependencies already respect.
                foreach (var ws in pending.ToList())
                {
                    if (running.Count >= slots || failFast.IsCancellationRequested)
                    {
                        break;
                    }

                    if (!ws.DependsOn.All(d => outcomes.TryGetValue(d, out var o) && o.Status == WorkstreamStatus.Succeeded)
                        || running.Values.Any(r => ScopeMatcher.Overlaps(r.AllScope, ws.AllScope)))
                    {
                        continue;
                    }

                    pending.Remove(ws);
                    // The base is read here, between merges, so it is exactly the target branch after what has merged.
                    var start = await StartingPointAsync(ws, worktrees.GetValueOrDefault(ws.Id), root, baseSha, options, cancellationToken);
                    running[StartAsync(ws, start)] = ws;
                }

                if (running.Count == 0)
                {
                    break;
                }

                var finished = await Task.WhenAny(running.Keys);
                var spec = running[finished];
                running.Remove(finished);
                var outcome = await finished;
                if (outcome.Status == WorkstreamStatus.Succeeded && merging)
                {
                    var tree = (await _services.Runs.ListWorktreesAsync(runId, CancellationToken.None)).FirstOrDefault(w => w.WorkstreamId == spec.Id);
                    if (tree is not null && tree.Status != WorktreeStatus.Merged)
                    {
                        outcome = await MergeAsync(runId, spec, root, tree, outcome, remote);
                    }
                }

                outcomes[outcome.Id] = outcome;
                if (outcome.Status != WorkstreamStatus.Succeeded && options.FailFast)
                {
                    await failFast.CancelAsync();
                }
            }
        }
        catch (Exception) when (running.Count > 0)
        {
            // A fault (the store, git) ends the run; the workstreams still running are stopped and waited for first, so
            // none is left working, or with a job recorded as running, after the run has given up.
            await failFast.CancelAsync();
            await ((Task)Task.WhenAll(running.Keys)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        // Whatever could not start (cancelled, or waiting on something that never came) says why.
        await SettleAsync();
        foreach (var ws in pending)
        {
            outcomes[ws.Id] = await SkipAsync(runId, ws, WorkstreamStatus.Cancelled, StopReason.Cancelled,
                cancellationToken.IsCancellationRequested ? "cancelled" : "not started: --fail-fast stopped the run");
        }

        var summary = new RunSummary(runId, plan.Workstreams.Select(w => outcomes[w.Id]).ToList(), cancellationToken.IsCancellationRequested)
        {
            SpentUsd = await _services.Costs.SumCostAsync(runId, null, null, CancellationToken.None),
            BudgetUsd = options.BudgetUsd ?? _services.Settings.Budgets.RunUsd,
        };
        var status = summary.Cancelled ? RunStatus.Cancelled : summary.Succeeded ? RunStatus.Succeeded : RunStatus.Failed;
        var reason = summary.Succeeded ? null : summary.Workstreams.FirstOrDefault(w => w.Status != WorkstreamStatus.Succeeded)?.StopReason;
        await _services.Runs.FinishRunAsync(runId, status, reason is { } r ? OrchJson.EnumText(r) : null, CancellationToken.None);
        return summary;

        // A workstream whose dependency failed is skipped, and so on down the graph; with fail-fast stopped, the rest is cancelled.
        async Task SettleAsync()
        {
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var ws in pending.ToList())
                {
                    var failedDependency = ws.DependsOn.FirstOrDefault(d => outcomes.TryGetValue(d, out var o) && o.Status != WorkstreamStatus.Succeeded);
                    if (failedDependency is not null)
                    {
                        pending.Remove(ws);
                        outcomes[ws.Id] = await SkipAsync(runId, ws, WorkstreamStatus.Skipped, StopReason.DependencyFailed,
                            $"depends on '{failedDependency}', which {OrchJson.EnumText(outcomes[failedDependency].Status)} ({OrchJson.EnumText(outcomes[failedDependency].StopReason)})");
                        changed = true;
                    }
                }
            }
        }

        async Task<WorkstreamOutcome> StartAsync(WorkstreamSpec ws, string start)
        {
            try
            {
                if (remote is not null)
                {
                    return await new WorkstreamDispatcher(_services).RunAsync(runId, ws, root, start, worktrees.GetValueOrDefault(ws.Id), remote, failFast.Token);
                }

                var prepared = await PrepareAsync(runId, ws, root, start, options, worktrees.GetValueOrDefault(ws.Id), self, ExcludeRules, failFast.Token);
                if (prepared.Failure is { } failure)
                {
                    return failure;
                }

                return await _runner.RunAsync(prepared.Context!, failFast.Token);
            }
            catch (OperationCanceledException) when (failFast.IsCancellationRequested)
            {
                return await SkipAsync(runId, ws, WorkstreamStatus.Cancelled, StopReason.Cancelled, "cancelled");
            }
        }
    }

    /// <summary>
    /// The commit a workstream's worktree starts from: the one it started from before (resume), else the target branch
    /// now (its dependencies have merged into it), else, without merging, its dependencies' branches.
    /// </summary>
    private async Task<string> StartingPointAsync(WorkstreamSpec ws, WorktreeRecord? existing, string root, string baseSha, RunOptions options,
        CancellationToken cancellationToken)
    {
        if (existing is not null)
        {
            return existing.BaseSha;
        }

        if (!options.UseWorktrees)
        {
            return await _services.Git.HeadAsync(root, cancellationToken);
        }

        return options.Merge ? await _services.Git.HeadAsync(root, cancellationToken) : baseSha;
    }

    private async Task<(WorkstreamContext? Context, WorkstreamOutcome? Failure)> PrepareAsync(string runId, WorkstreamSpec ws, string root, string start,
        RunOptions options, WorktreeRecord? existing, WorkerIdentity owner, Func<Task<string>> excludeRules, CancellationToken cancellationToken)
    {
        var stateDirectory = Path.Combine(root, ".orch", "runs", runId, ws.Id);
        var excludes = WorktreeHookRunner.ExcludesFile(root, runId, ws.Id);
        var phases = await _services.Runs.ListPhasesAsync(runId, ws.Id, cancellationToken);
        var lastCheckpoint = phases.LastOrDefault(p => p.Status == PhaseStatus.Succeeded && p.CheckpointSha is not null)?.CheckpointSha;
        if (!options.UseWorktrees)
        {
            if (!File.Exists(excludes))
            {
                await WorktreeExcludes.WriteAsync(excludes, await excludeRules(), cancellationToken);
            }

            _services.Git.UseExcludes(root, excludes);
            if (lastCheckpoint is not null)
            {
                await _services.Git.ResetAsync(root, lastCheckpoint, cancellationToken);
            }

            return (new WorkstreamContext
            {
                RunId = runId, Spec = ws, RepositoryRoot = root, Worktree = root, Checkpoint = lastCheckpoint ?? start, BaseCommit = start,
                StateDirectory = stateDirectory, Owner = owner, RunBudgetUsd = options.BudgetUsd,
            }, null);
        }

        var path = Path.Combine(root, ".orch", "worktrees", runId, ws.Id);
        var branch = $"orch/{runId}/{ws.Id}";
        if (existing is not null)
        {
            // Resume: whatever the crash left half-done goes; the last checkpoint is the truth, on the base it started from.
            // Every commit Orch makes on the branch is a checkpoint, a FIX round's too: the branch's last one wins.
            var checkpoint = (Directory.Exists(path) ? await LastCheckpointAsync(path, ws.Id, cancellationToken) : null) ?? lastCheckpoint ?? existing.BaseSha;
            if (!Directory.Exists(path))
            {
                await _services.Git.RemoveWorktreeAsync(root, path, cancellationToken);
                await _services.Git.AddWorktreeAsync(root, path, await _services.Git.BranchExistsAsync(root, branch, cancellationToken) ? null : branch, checkpoint,
                    cancellationToken, checkout: branch);
            }

            if (!File.Exists(excludes))
            {
                await WorktreeExcludes.WriteAsync(excludes, await excludeRules(), cancellationToken);
            }

            _services.Git.UseExcludes(path, excludes);
            await _services.Git.ResetAsync(path, checkpoint, cancellationToken);
            await _services.Bus.PublishAsync(new WorkstreamReset(ws.Id, checkpoint) { RunId = runId });
            return (new WorkstreamContext
            {
                RunId = runId, Spec = ws, RepositoryRoot = root, Worktree = path, Checkpoint = checkpoint, BaseCommit = existing.BaseSha, StateDirectory = stateDirectory, Owner = owner,
                RunBudgetUsd = options.BudgetUsd,
            }, null);
        }

        var context = new WorkstreamContext
        {
            RunId = runId, Spec = ws, RepositoryRoot = root, Worktree = path, Checkpoint = start, BaseCommit = start, StateDirectory = stateDirectory, Owner = owner,
            RunBudgetUsd = options.BudgetUsd,
        };
        if (await _services.Git.BranchExistsAsync(root, branch, cancellationToken))
        {
            // A crash after git made the branch and before the worktree was recorded: start it again, cleanly.
            await _services.Git.RemoveWorktreeAsync(root, path, cancellationToken);
            await _services.Git.DeleteBranchAsync(root, branch, force: true, cancellationToken);
        }

        await _services.Git.AddWorktreeAsync(root, path, branch, start, cancellationToken);
        CrashPoints.Hit(CrashPoints.AfterWorktreeAdd);
        await _services.Runs.SaveWorktreeAsync(new WorktreeRecord(path, runId, ws.Id, branch, start, null, WorktreeStatus.Active), cancellationToken);
        await WorktreeExcludes.WriteAsync(excludes, await excludeRules(), cancellationToken);
        _services.Git.UseExcludes(path, excludes);
        if (!options.Merge && ws.DependsOn.Count > 0 && await MergeDependenciesAsync(context, runId, cancellationToken) is { } conflict)
        {
            return (null, conflict);
        }

        // Copied files and setup output belong to the environment, not to the workstream's change.
        await _hooks.CopyAsync(root, path, excludes, cancellationToken);
        if (_services.Settings.Worktree.Setup.Count > 0
            && await _hooks.RunAsync("setup", _services.Settings.Worktree.Setup, context, "setup", WorktreeHookRunner.Environment(context, null, null), null,
                cancellationToken) is { } failed)
        {
            return (null, await SkipAsync(runId, ws, WorkstreamStatus.Failed, StopReason.SetupFailed, failed));
        }

        return (context with { Checkpoint = await _services.Git.HeadAsync(path, cancellationToken), BaseCommit = await _services.Git.HeadAsync(path, cancellationToken) }, null);
    }

    /// <summary>The worktree's HEAD when it is one of Orch's checkpoints of this workstream, else <see langword="null"/>.</summary>
    private async Task<string?> LastCheckpointAsync(string worktree, string workstreamId, CancellationToken cancellationToken)
    {
        var head = await _services.Git.TryRunAsync(worktree, ["log", "-1", "--format=%H%x09%s"], cancellationToken);
        var parts = head.StandardOutput.Trim().Split('\t', 2);
        return head.ExitCode == 0 && parts.Length == 2 && parts[1].StartsWith($"orch: {workstreamId} ", StringComparison.Ordinal) ? parts[0] : null;
    }

    /// <summary>Without merging into the target branch, a dependent starts from its dependencies' branches merged together.</summary>
    private async Task<WorkstreamOutcome?> MergeDependenciesAsync(WorkstreamContext context, string runId, CancellationToken cancellationToken)
    {
        foreach (var dependency in context.Spec.DependsOn)
        {
            var branch = $"orch/{runId}/{dependency}";
            var merge = await _services.Git.MergeAsync(context.Worktree, branch, $"orch: {context.Spec.Id} starts on {dependency}", cancellationToken);
            if (!merge.Merged)
            {
                return await SkipAsync(runId, context.Spec, WorkstreamStatus.Failed, StopReason.MergeConflict,
                    $"its dependencies' branches conflict when combined ({Conflict(merge)}); without --no-merge they merge one by one into the target branch");
            }
        }

        // The combined dependencies are the workstream's base: their findings are not its own.
        var head = await _services.Git.HeadAsync(context.Worktree, cancellationToken);
        var record = (await _services.Runs.ListWorktreesAsync(runId, cancellationToken)).First(w => w.WorkstreamId == context.Spec.Id);
        await _services.Runs.SaveWorktreeAsync(record with { BaseSha = head }, cancellationToken);
        return null;
    }

    private static string Conflict(MergeOutcome merge) =>
        merge.ConflictingFiles.Count > 0 ? $"conflicts in {string.Join(", ", merge.ConflictingFiles)}" : merge.Message.Split('\n').FirstOrDefault(l => l.Length > 0) ?? "git merge failed";

    private async Task<WorkstreamOutcome> MergeAsync(string runId, WorkstreamSpec ws, string root, WorktreeRecord tree, WorkstreamOutcome outcome, CheckpointRemote? remote)
    {
        // Merges run one at a time, as each workstream finishes; it started after its dependencies merged, so it merges after them.
        // The lock keeps any other process of this database (a second run, a resume on another host) from merging into the same place meanwhile.
        await using var merging = await _services.Runs.LockAsync($"merge {remote?.Url ?? root}", CancellationToken.None);
        if (remote is not null)
        {
            // The work is on the remote, under the newest attempt's ref.
            await remote.BringToBranchAsync(root, runId, ws.Id, tree.Branch, CancellationToken.None);
        }

        // A merge of this run that a crash left half-done (conflict markers, MERGE_HEAD) is aborted first.
        await _services.Git.AbortMergeAsync(root, $"({runId})", CancellationToken.None);
        if (!await _services.Git.HasNoTrackedChangesAsync(root, CancellationToken.None))
        {
            return await MergeFailedAsync("the main working tree has uncommitted changes to tracked files; commit or stash them, then run `dotnet orch resume " + runId + "`", []);
        }

        var merge = await _services.Git.MergeAsync(root, tree.Branch, $"orch: merge workstream {ws.Id} ({runId})", CancellationToken.None);
        CrashPoints.Hit(CrashPoints.AfterMerge);
        if (!merge.Merged)
        {
            return await MergeFailedAsync($"merging {tree.Branch}: {Conflict(merge)}; the merge was aborted and the main working tree is unchanged. "
                + $"Resolve it (merge the branch yourself, or move what is in the way), then run `dotnet orch resume {runId}`", merge.ConflictingFiles);
        }

        await _services.Runs.SaveWorktreeAsync(tree with { Status = WorktreeStatus.Merged }, CancellationToken.None);
        await _services.Bus.PublishAsync(new WorkstreamMerged(ws.Id, tree.Branch) { RunId = runId });
        return outcome;

        async Task<WorkstreamOutcome> MergeFailedAsync(string detail, IReadOnlyList<string> files)
        {
            await _services.Runs.SaveWorktreeAsync(tree with { Status = WorktreeStatus.Failed }, CancellationToken.None);
            await _services.Bus.PublishAsync(new WorkstreamMergeConflict(ws.Id, tree.Branch, files) { RunId = runId });
            return await SkipAsync(runId, ws, WorkstreamStatus.Failed, StopReason.MergeConflict, detail, outcome.Attempts);
        }
    }

    private Task<WorkstreamOutcome> SkipAsync(string runId, WorkstreamSpec ws, WorkstreamStatus status, StopReason reason, string detail, int attempts = 0) =>
        WorkstreamVerdict.RecordAsync(_services, runId, ws, status, reason, detail, attempts);

    private static void EnsureOrchIgnored(string root)
    {
        // Worktrees, logs and the database live in .orch/; git must never see them as changes.
        var ignore = Path.Combine(root, ".orch", ".gitignore");
        if (!File.Exists(ignore))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(ignore)!);
            File.WriteAllText(ignore, "# Orch's state, logs and worktrees; see `dotnet orch cleanup`.\n*\n");
        }
    }
}
