using System.Text.Json;
using Orch.Core.Events;
using Orch.Core.Execution;
using Orch.Core.Git;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Queue;
using Orch.Core.Serialization;
using Orch.Core.Storage;

namespace Orch.Core.Workflow;

/// <summary>
/// Runs a plan: topological waves, at most <see cref="RunOptions.Parallel"/> workstreams at once, never two with
/// overlapping scopes together, dependents of a failure skipped (or everything cancelled with fail-fast), and
/// successful branches merged back in dependency order. A run can be resumed after a crash.
/// </summary>
public sealed class PlanRunner
{
    private readonly WorkflowServices _services;
    private readonly WorkstreamRunner _runner;

    public PlanRunner(WorkflowServices services)
    {
        _services = services;
        _runner = new WorkstreamRunner(services);
    }

    /// <summary>Starts a new run of <paramref name="plan"/> in the repository at <paramref name="repositoryRoot"/>.</summary>
    public async Task<RunSummary> RunAsync(Plan plan, string repositoryRoot, RunOptions options, Action<string>? onRunCreated, CancellationToken cancellationToken)
    {
        var root = await _services.Git.TopLevelAsync(repositoryRoot, cancellationToken)
                   ?? throw new GitException($"{repositoryRoot} is not a git repository; Orch runs workstreams on git branches (git init, then commit).");
        var baseSha = await _services.Git.HeadAsync(root, cancellationToken);
        EnsureOrchIgnored(root);
        var run = await _services.Runs.CreateRunAsync("plan", Path.GetFullPath(plan.Source), cancellationToken);
        var owner = ProcessInfo.Current();
        await _services.Runs.SetRunOptionsAsync(run.Id, JsonSerializer.Serialize(
            new StoredRunOptions(Path.GetFullPath(plan.Source), root, baseSha, options, owner.ProcessId, owner.StartTicks), OrchJson.Options), cancellationToken);
        onRunCreated?.Invoke(run.Id);
        return await ExecuteAsync(run.Id, plan, root, baseSha, options, [], cancellationToken);
    }

    /// <summary>Continues a run: finished workstreams and phases stay done; the rest restart from their last checkpoint.</summary>
    public async Task<RunSummary> ResumeAsync(string runId, Plan plan, StoredRunOptions stored, CancellationToken cancellationToken)
    {
        await _services.Runs.ReopenRunAsync(runId, cancellationToken);
        var previous = await _services.Runs.ListWorkstreamsAsync(runId, cancellationToken);
        var owner = ProcessInfo.Current();
        await _services.Runs.SetRunOptionsAsync(runId, JsonSerializer.Serialize(stored with { OwnerProcessId = owner.ProcessId, OwnerStartTicks = owner.StartTicks }, OrchJson.Options), cancellationToken);
        return await ExecuteAsync(runId, plan, stored.RepositoryRoot, stored.BaseSha, stored.Options, previous, cancellationToken);
    }

    private async Task<RunSummary> ExecuteAsync(string runId, Plan plan, string root, string baseSha, RunOptions options,
        IReadOnlyList<WorkstreamRecord> previous, CancellationToken cancellationToken)
    {
        var self = OwnerIdentity.Direct();
        await new Reconciler(_services.Jobs, _services.Time).ReconcileAsync(self, cancellationToken);
        var waves = WavePlanner.Plan(plan.Workstreams);
        var outcomes = new Dictionary<string, WorkstreamOutcome>(StringComparer.Ordinal);
        var worktrees = (await _services.Runs.ListWorktreesAsync(runId, cancellationToken)).ToDictionary(w => w.WorkstreamId, StringComparer.Ordinal);
        foreach (var record in previous.Where(r => r.Status is WorkstreamStatus.Failed or WorkstreamStatus.Skipped
                     || (r.Status == WorkstreamStatus.Succeeded && (!options.Merge || worktrees.GetValueOrDefault(r.Id)?.Status is WorktreeStatus.Merged or null))))
        {
            outcomes[record.Id] = new WorkstreamOutcome(record.Id, record.Status, record.StopReason ?? StopReason.Success, record.Attempts, record.Detail);
        }

        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        foreach (var wave in waves)
        {
            await _services.Bus.PublishAsync(new WaveStarted(wave.Number, wave.Workstreams.Select(w => w.Id).ToList()) { RunId = runId });
            var pending = new List<WorkstreamSpec>();
            foreach (var ws in wave.Workstreams.Where(w => !outcomes.ContainsKey(w.Id)))
            {
                var failedDependency = ws.DependsOn.FirstOrDefault(d => outcomes.TryGetValue(d, out var o) && o.Status != WorkstreamStatus.Succeeded);
                if (failedDependency is not null)
                {
                    outcomes[ws.Id] = await SkipAsync(runId, ws, WorkstreamStatus.Skipped, StopReason.DependencyFailed,
                        $"depends on '{failedDependency}', which {OrchJson.EnumText(outcomes[failedDependency].Status)} ({OrchJson.EnumText(outcomes[failedDependency].StopReason)})");
                }
                else if (failFast.IsCancellationRequested)
                {
                    outcomes[ws.Id] = await SkipAsync(runId, ws, WorkstreamStatus.Cancelled, StopReason.Cancelled,
                        cancellationToken.IsCancellationRequested ? "cancelled" : "not started: --fail-fast stopped the run");
                }
                else
                {
                    pending.Add(ws);
                }
            }

            await RunWaveAsync(pending);
            await MergeWaveAsync(wave);
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

        async Task RunWaveAsync(List<WorkstreamSpec> pending)
        {
            var running = new Dictionary<Task<WorkstreamOutcome>, WorkstreamSpec>();
            while (pending.Count > 0 || running.Count > 0)
            {
                // Start what fits: a free slot, and no overlap with anything running.
                foreach (var ws in pending.ToList())
                {
                    if (running.Count >= Math.Max(1, options.UseWorktrees ? options.Parallel : 1) || failFast.IsCancellationRequested)
                    {
                        break;
                    }

                    if (running.Values.Any(r => ScopeMatcher.Overlaps(r.AllScope, ws.AllScope)))
                    {
                        continue;
                    }

                    pending.Remove(ws);
                    running[StartAsync(ws)] = ws;
                }

                if (running.Count == 0)
                {
                    foreach (var ws in pending)
                    {
                        outcomes[ws.Id] = await SkipAsync(runId, ws, WorkstreamStatus.Cancelled, StopReason.Cancelled,
                            cancellationToken.IsCancellationRequested ? "cancelled" : "not started: --fail-fast stopped the run");
                    }

                    return;
                }

                var finished = await Task.WhenAny(running.Keys);
                running.Remove(finished);
                var outcome = await finished;
                outcomes[outcome.Id] = outcome;
                if (outcome.Status != WorkstreamStatus.Succeeded && options.FailFast)
                {
                    await failFast.CancelAsync();
                }
            }
        }

        async Task<WorkstreamOutcome> StartAsync(WorkstreamSpec ws)
        {
            try
            {
                var prepared = await PrepareAsync(runId, ws, root, baseSha, options, worktrees.GetValueOrDefault(ws.Id), self, failFast.Token);
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

        async Task MergeWaveAsync(Wave wave)
        {
            if (!options.Merge || !options.UseWorktrees)
            {
                return;
            }

            foreach (var ws in wave.Workstreams.Where(w => outcomes.TryGetValue(w.Id, out var o) && o.Status == WorkstreamStatus.Succeeded))
            {
                var tree = (await _services.Runs.ListWorktreesAsync(runId, CancellationToken.None)).FirstOrDefault(w => w.WorkstreamId == ws.Id);
                if (tree is null || tree.Status == WorktreeStatus.Merged)
                {
                    continue;
                }

                outcomes[ws.Id] = await MergeAsync(runId, ws, root, tree, outcomes[ws.Id]);
            }
        }
    }

    private async Task<(WorkstreamContext? Context, WorkstreamOutcome? Failure)> PrepareAsync(string runId, WorkstreamSpec ws, string root, string baseSha,
        RunOptions options, WorktreeRecord? existing, WorkerIdentity owner, CancellationToken cancellationToken)
    {
        var stateDirectory = Path.Combine(root, ".orch", "runs", runId, ws.Id);
        var phases = await _services.Runs.ListPhasesAsync(runId, ws.Id, cancellationToken);
        var lastCheckpoint = phases.LastOrDefault(p => p.Status == PhaseStatus.Succeeded && p.CheckpointSha is not null)?.CheckpointSha;
        if (!options.UseWorktrees)
        {
            var head = await _services.Git.HeadAsync(root, cancellationToken);
            if (lastCheckpoint is not null)
            {
                await _services.Git.ResetAsync(root, lastCheckpoint, cancellationToken);
            }

            return (new WorkstreamContext
            {
                RunId = runId, Spec = ws, RepositoryRoot = root, Worktree = root, Checkpoint = lastCheckpoint ?? head, BaseCommit = baseSha,
                StateDirectory = stateDirectory, Owner = owner, RunBudgetUsd = options.BudgetUsd,
            }, null);
        }

        var path = Path.Combine(root, ".orch", "worktrees", runId, ws.Id);
        var branch = $"orch/{runId}/{ws.Id}";
        if (existing is not null && Directory.Exists(path))
        {
            // Resume: whatever the crash left half-done goes; the last checkpoint is the truth.
            var checkpoint = lastCheckpoint ?? existing.BaseSha;
            await _services.Git.ResetAsync(path, checkpoint, cancellationToken);
            await _services.Bus.PublishAsync(new WorkstreamReset(ws.Id, checkpoint) { RunId = runId });
            return (new WorkstreamContext
            {
                RunId = runId, Spec = ws, RepositoryRoot = root, Worktree = path, Checkpoint = checkpoint, BaseCommit = existing.BaseSha, StateDirectory = stateDirectory, Owner = owner,
                RunBudgetUsd = options.BudgetUsd,
            }, null);
        }

        await _services.Git.AddWorktreeAsync(root, path, branch, baseSha, cancellationToken);
        await _services.Runs.SaveWorktreeAsync(new WorktreeRecord(path, runId, ws.Id, branch, baseSha, null, WorktreeStatus.Active), cancellationToken);
        var context = new WorkstreamContext
        {
            RunId = runId, Spec = ws, RepositoryRoot = root, Worktree = path, Checkpoint = baseSha, BaseCommit = baseSha, StateDirectory = stateDirectory, Owner = owner,
            RunBudgetUsd = options.BudgetUsd,
        };
        foreach (var (hook, index) in _services.Settings.WorktreeSetup.Select((h, i) => (h, i)))
        {
            var spec = new JobSpec
            {
                Name = $"{ws.Id}:setup-{index + 1}",
                Tool = "setup",
                Command = hook.Command,
                UseShell = hook.UseShell,
                RepositoryRoot = path,
                WorkingDirectory = path,
                LogFile = Path.Combine(root, ".orch", "logs", runId, ws.Id, $"setup-{index + 1}.log"),
                ErrorReport = Path.Combine(root, ".orch", "logs", runId, ws.Id, $"setup-{index + 1}.error.json"),
                WorkstreamId = ws.Id,
            };
            var outcome = await _services.Lifecycle.RunAsync(runId, spec, owner, cancellationToken);
            if (outcome.Status != JobStatus.Succeeded)
            {
                var tail = File.Exists(outcome.LogFile) ? string.Join('\n', File.ReadLines(outcome.LogFile).TakeLast(20)) : "";
                return (null, await SkipAsync(runId, ws, WorkstreamStatus.Failed, StopReason.SetupFailed,
                    $"setup hook `{hook.Display}` failed ({outcome.Error}); its output:\n{tail}"));
            }
        }

        // Setup output (restored packages, copied .env) belongs to the environment, not to the workstream's change.
        return (context, null);
    }

    private async Task<WorkstreamOutcome> MergeAsync(string runId, WorkstreamSpec ws, string root, WorktreeRecord tree, WorkstreamOutcome outcome)
    {
        // Merges run one at a time, after each wave, in plan order; that is the dependency order.
        if (!await _services.Git.HasNoTrackedChangesAsync(root, CancellationToken.None))
        {
            return await MergeFailedAsync("the main working tree has uncommitted changes to tracked files; commit or stash them, then run `dotnet orch resume " + runId + "`", []);
        }

        var merge = await _services.Git.MergeAsync(root, tree.Branch, $"orch: merge workstream {ws.Id} ({runId})", CancellationToken.None);
        if (!merge.Merged)
        {
            return await MergeFailedAsync($"merging {tree.Branch} conflicts in {string.Join(", ", merge.ConflictingFiles)}; the merge was aborted and the main working tree is unchanged", merge.ConflictingFiles);
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

    private async Task<WorkstreamOutcome> SkipAsync(string runId, WorkstreamSpec ws, WorkstreamStatus status, StopReason reason, string detail, int attempts = 0)
    {
        var now = _services.Time.GetUtcNow();
        await _services.Runs.SaveWorkstreamAsync(new WorkstreamRecord(runId, ws.Id, ws.Title, status, reason, attempts, detail, null, now), CancellationToken.None);
        await _services.Bus.PublishAsync(new WorkstreamFinished(ws.Id, status, reason, attempts, detail) { RunId = runId });
        return new WorkstreamOutcome(ws.Id, status, reason, attempts, detail);
    }

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
