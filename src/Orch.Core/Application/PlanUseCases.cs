using System.Text.Json;
using Orch.Core.Execution;
using Orch.Core.Git;
using Orch.Core.Planning;
using Orch.Core.Queue;
using Orch.Core.Secrets;
using Orch.Core.Serialization;
using Orch.Core.Storage;
using Orch.Core.Workflow;
using Orch.Core.Workflow.Distribution;

namespace Orch.Core.Application;

/// <summary>Plans of workstreams: <c>plan</c>, <c>run</c>, <c>resume</c>, <c>cleanup</c> and the demo.</summary>
public sealed class PlanUseCases
{
    private readonly OrchEngine _engine;

    internal PlanUseCases(OrchEngine engine) => _engine = engine;

    /// <summary>Loads and checks a plan and works out its waves; files that load get waves even when others fail.</summary>
    public static PlanDescription Describe(string planPath)
    {
        var plan = PlanLoader.Load(planPath);
        return new PlanDescription(plan, WavePlanner.Plan(plan.Workstreams));
    }

    /// <summary>
    /// Predicts a plan's duration and cost from the jobs of earlier runs in the database, before anything runs; parts
    /// the history does not know are left unknown. <see langword="null"/> when the plan or the settings do not load.
    /// </summary>
    public async Task<Estimates.PlanEstimate?> EstimateAsync(Plan plan, int parallel, CancellationToken cancellationToken)
    {
        if (plan.HasErrors || _engine.Settings.Value is not { } settings)
        {
            return null;
        }

        var history = Estimates.JobHistory.From([], []);
        if (_engine.HasDatabase)
        {
            var store = await _engine.ReadStoreAsync(cancellationToken);
            history = Estimates.JobHistory.From(await store.ListJobsAsync(new JobQuery(Limit: 100_000), cancellationToken),
                await store.ListCostsAsync(null, cancellationToken));
        }

        return Estimates.PlanEstimate.Of(plan, settings, _engine.RepositoryRoot, history, parallel);
    }

    /// <summary>Runs a plan: each workstream through EDIT, STATIC and RUNTIME in its own worktree.</summary>
    /// <param name="planPath">A workstream file, a plan file or a folder of them.</param>
    /// <param name="options">How to run.</param>
    /// <param name="onRunCreated">Told the run id and the number of workstreams as soon as the run exists, before any work.</param>
    /// <param name="cancellationToken">Stops the run; it can be resumed.</param>
    public async Task<PlanRunResult> RunAsync(string planPath, RunOptions options, Action<string, int>? onRunCreated, CancellationToken cancellationToken)
    {
        var settings = _engine.Settings;
        var plan = PlanLoader.Load(planPath);
        var diagnostics = settings.Diagnostics.Concat(plan.Diagnostics).ToList();
        if (!settings.Succeeded || plan.HasErrors)
        {
            return new PlanRunResult(diagnostics, null);
        }

        if (plan.Workstreams.Count == 0)
        {
            return new PlanRunResult(diagnostics, null, new OrchError("ORCH1012", $"{planPath} holds no workstreams"));
        }

        if (options.Remote is not null && !options.UseWorktrees)
        {
            return new PlanRunResult(diagnostics, null, new OrchError(null, "--distribute hands workstreams to worker hosts, each in a worktree of its own; it cannot run with --no-worktree",
                "leave out one of the two."));
        }

        // Before any worktree: a tool that is not there is the user's to install, not a finding for the AI. Handed-over
        // workstreams run where the workers are, and each worker's own settings name its tools.
        var missing = options.Remote is not null ? [] : await PlanPreflight.CheckAsync(plan, settings.Value!, _engine.RepositoryRoot, _engine.Adapters,
            new ProcessRunner(null, SecretRedactor.None, _engine.Time), cancellationToken);
        if (missing.Count > 0)
        {
            return new PlanRunResult([.. diagnostics, .. missing], null);
        }

        using var planLock = PlanLock.TryTake(_engine.RepositoryRoot, planPath);
        if (planLock is null)
        {
            return new PlanRunResult(diagnostics, null, await AlreadyRunningAsync(planPath, cancellationToken));
        }

        if (options.Remote is { } given)
        {
            // Workers on other hosts know the remote by its URL, not by this clone's name for it.
            options = options with { Remote = await CheckpointRemote.ResolveAsync(_engine.Git, _engine.RepositoryRoot, given, cancellationToken) };
        }

        var services = await _engine.ServicesAsync(cancellationToken);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watching = new CancellationTokenSource();
        var watcher = Task.CompletedTask;
        try
        {
            var summary = await services.PlanRunner(_engine.Time).RunAsync(plan, _engine.RepositoryRoot, options, id =>
            {
                watcher = WatchForCancelAsync(services.Store, id, cancel, watching.Token);
                onRunCreated?.Invoke(id, plan.Workstreams.Count);
            }, cancel.Token);
            return new PlanRunResult(diagnostics, summary);
        }
        catch (GitException ex)
        {
            return new PlanRunResult(diagnostics, null, new OrchError(null, ex.Message));
        }
        finally
        {
            await watching.CancelAsync();
            await watcher;
        }
    }

    /// <summary>How often a running plan looks for a <c>cancel RUN</c> from another process. The default value is 500 ms.</summary>
    internal static TimeSpan CancelPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Asks run <paramref name="runId"/> to stop; the process running it stops it as on Ctrl-C, and it can be resumed.</summary>
    public async Task<OrchError?> CancelAsync(string runId, CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            return new OrchError("ORCH2002", $"no run '{runId}': there is no database at {_engine.DatabaseDisplay}", "`dotnet orch status` lists recent runs.");
        }

        var store = await _engine.StoreAsync(cancellationToken);
        var run = await store.GetRunAsync(runId, cancellationToken);
        if (run is null)
        {
            return new OrchError("ORCH2002", $"no run '{runId}' in {_engine.DatabaseDisplay}", "`dotnet orch status` lists recent runs.");
        }

        if (run.Status != RunStatus.Running)
        {
            return new OrchError(null, $"run {runId} is not running (it {OrchJson.EnumText(run.Status)})", $"`dotnet orch status {runId}` shows how it ended.");
        }

        return await store.RequestCancelAsync(runId, cancellationToken) || run.CancelRequestedAt is not null ? null
            : new OrchError(null, $"run {runId} ended before the cancel reached it", $"`dotnet orch status {runId}` shows how it ended.");
    }

    // Polls the run's row: a cancel from another process (or the dashboard) stops this run as Ctrl-C would. A worker's
    // handed-over workstream also stops when the run is no longer running (its coordinator stopped).
    private async Task WatchForCancelAsync(IStateStore store, string runId, CancellationTokenSource cancel, CancellationToken stop, bool whileRunning = false)
    {
        while (!stop.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CancelPollInterval, _engine.Time, stop);
                var run = await store.GetRunAsync(runId, stop);
                if (run?.CancelRequestedAt is not null || (whileRunning && run?.Status != RunStatus.Running))
                {
                    await cancel.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (StateDatabaseException)
            {
                // The run's own writes will meet the same fault and report it; the watcher only watches.
                return;
            }
        }
    }

    /// <summary>Continues a run after a crash or Ctrl-C: finished phases never run again.</summary>
    public async Task<PlanRunResult> ResumeAsync(string runId, Action<string>? onResuming, CancellationToken cancellationToken)
    {
        var settings = _engine.Settings;
        if (!settings.Succeeded)
        {
            return new PlanRunResult(settings.Diagnostics, null);
        }

        var services = await _engine.ServicesAsync(cancellationToken);
        var run = await services.Store.GetRunAsync(runId, cancellationToken);
        var optionsJson = run is null ? null : await services.Store.GetRunOptionsAsync(runId, cancellationToken);
        if (run is null || optionsJson is null)
        {
            return new PlanRunResult(settings.Diagnostics, null,
                new OrchError("ORCH2002", $"no plan run '{runId}' in {_engine.DatabaseDisplay}", "`dotnet orch status` lists recent runs."));
        }

        var stored = JsonSerializer.Deserialize<StoredRunOptions>(optionsJson, OrchJson.Options)!;
        if (run.Status == RunStatus.Running && ProcessInfo.IsAlive(new ProcessIdentity(stored.OwnerProcessId, stored.OwnerStartTicks)))
        {
            return new PlanRunResult(settings.Diagnostics, null,
                new OrchError(null, $"run {runId} is still running in process {stored.OwnerProcessId}", "wait for it, or stop it with Ctrl-C, then resume."));
        }

        var plan = PlanLoader.Load(stored.Plan);
        var diagnostics = settings.Diagnostics.Concat(plan.Diagnostics).ToList();
        if (plan.HasErrors)
        {
            return new PlanRunResult(diagnostics, null);
        }

        using var planLock = PlanLock.TryTake(_engine.RepositoryRoot, stored.Plan);
        if (planLock is null)
        {
            return new PlanRunResult(diagnostics, null, await AlreadyRunningAsync(stored.Plan, cancellationToken));
        }

        onResuming?.Invoke(stored.Plan);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watching = new CancellationTokenSource();
        var watcher = WatchForCancelAsync(services.Store, runId, cancel, watching.Token);
        try
        {
            var summary = await services.PlanRunner(_engine.Time).ResumeAsync(runId, plan, stored, cancel.Token);
            return new PlanRunResult(diagnostics, summary);
        }
        finally
        {
            await watching.CancelAsync();
            await watcher;
        }
    }

    /// <summary>
    /// Carries one workstream of a distributed run on this host, for the worker that claimed its job (the hidden
    /// <c>run-workstream</c> command): every write is fenced by the claim's token, the worktree is made in this clone,
    /// and checkpoints go to the run's shared remote.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="workstreamId">The workstream.</param>
    /// <param name="jobId">The job the worker claimed.</param>
    /// <param name="fence">The claim's fencing token.</param>
    /// <param name="cancellationToken">Stops the workstream; the worker that lost the job kills this process instead.</param>
    public async Task<WorkstreamRunResult> RunHandedOverAsync(string runId, string workstreamId, string jobId, long fence, CancellationToken cancellationToken)
    {
        var settings = _engine.Settings;
        if (!settings.Succeeded)
        {
            var first = settings.Diagnostics[0];
            return new WorkstreamRunResult(null, new OrchError(first.Code, first.Message, "fix this host's .orch/orch.yaml; the worker runs workstreams with its own settings"));
        }

        if (await _engine.Git.TopLevelAsync(_engine.RepositoryRoot, cancellationToken) is not { } root)
        {
            return new WorkstreamRunResult(null, new OrchError(null, $"{_engine.RepositoryRoot} is not a git repository",
                "start `dotnet orch worker` inside a clone of the repository: handed-over workstreams run in worktrees of it."));
        }

        var services = await _engine.ServicesAsync(cancellationToken);
        var optionsJson = await services.Store.GetRunOptionsAsync(runId, cancellationToken);
        var stored = optionsJson is null ? null : JsonSerializer.Deserialize<StoredRunOptions>(optionsJson, OrchJson.Options);
        if (stored?.Options.Remote is not { } url || stored.Specs?.FirstOrDefault(w => w.Id == workstreamId) is not { } ws)
        {
            return new WorkstreamRunResult(null, new OrchError("ORCH2002", $"run {runId} in {_engine.DatabaseDisplay} hands over no workstream '{workstreamId}'",
                "this command is for workers; `dotnet orch run --distribute` queues what they run."));
        }

        services.Store.FenceWrites(jobId, fence);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watching = new CancellationTokenSource();
        var watcher = WatchForCancelAsync(services.Store, runId, cancel, watching.Token, whileRunning: true);
        try
        {
            if ((await services.Store.GetRunAsync(runId, cancellationToken))?.Status != RunStatus.Running)
            {
                return new WorkstreamRunResult(null, new OrchError(null, $"run {runId} is not running", $"`dotnet orch resume {runId}` queues its workstreams again."));
            }

            var outcome = await new HandedOverWorkstream(services.Workflow(_engine.Time))
                .RunAsync(runId, ws, root, new CheckpointRemote(_engine.Git, url), stored.Options.BudgetUsd, jobId, fence, cancel.Token);
            return new WorkstreamRunResult(outcome, null);
        }
        catch (JobFencedException ex)
        {
            return new WorkstreamRunResult(null, new OrchError(null, ex.Message, "another worker carries the workstream now; nothing is lost."), Lost: true);
        }
        catch (GitException ex)
        {
            return new WorkstreamRunResult(null, new OrchError(null, ex.Message));
        }
        finally
        {
            await watching.CancelAsync();
            await watcher;
        }
    }

    /// <summary>
    /// Resumes run <paramref name="runId"/> in a process of its own, for hosts that must not run tools themselves (the
    /// dashboard): <paramref name="orchCommand"/> is how to start Orch (for example <c>[dotnet-orch]</c>), to which
    /// <c>resume RUN</c> is added. The process leads its own session, so it outlives the host, and writes to a log under
    /// <c>.orch/logs/RUN/</c>. Returns that log's path, or why the run cannot be resumed.
    /// </summary>
    public async Task<(string? Log, OrchError? Error)> ResumeInBackgroundAsync(string runId, IReadOnlyList<string> orchCommand, CancellationToken cancellationToken)
    {
        var run = _engine.HasDatabase ? await (await _engine.StoreAsync(cancellationToken)).GetRunAsync(runId, cancellationToken) : null;
        if (run is null || run.Kind != "plan")
        {
            return (null, new OrchError("ORCH2002", $"no plan run '{runId}' in {_engine.DatabaseDisplay}", "`dotnet orch status` lists recent runs."));
        }

        if (run.Status == RunStatus.Running)
        {
            return (null, new OrchError(null, $"run {runId} is running", "cancel it first; resume continues a run that stopped."));
        }

        if (OperatingSystem.IsWindows())
        {
            return (null, new OrchError(null, "resuming in the background is not supported on Windows yet", $"run `dotnet orch resume {runId}` in a terminal."));
        }

        var log = Path.Combine(_engine.RepositoryRoot, ".orch", "logs", run.Id,
            $"resume-{_engine.Time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        // The shell only redirects: the resumed Orch must not write to pipes that close when the host exits.
        string[] argv = ["/bin/sh", "-c", "exec \"$@\" >>\"$ORCH_RESUME_LOG\" 2>&1 </dev/null", "sh", .. orchCommand, "resume", run.Id];
        try
        {
            using var child = Execution.ChildProcess.Start(argv, _engine.RepositoryRoot, new Dictionary<string, string>
            {
                ["ORCH_RESUME_LOG"] = log,
                // In the environment, not the command line, where any user's `ps` would show a server's password.
                ["ORCH_DB"] = _engine.DatabasePath,
            });
        }
        catch (Execution.ChildStartException ex)
        {
            return (null, new OrchError(null, $"could not start `{string.Join(' ', orchCommand)} resume {run.Id}`: {ex.Message}", $"run `dotnet orch resume {runId}` in a terminal."));
        }

        return (log, null);
    }

    private async Task<OrchError> AlreadyRunningAsync(string planPath, CancellationToken cancellationToken)
    {
        var source = Path.GetFullPath(planPath);
        var running = _engine.HasDatabase
            ? (await (await _engine.StoreAsync(cancellationToken)).ListRunsAsync(50, cancellationToken)).FirstOrDefault(r => r.Status == RunStatus.Running && r.Source == source)
            : null;
        return new OrchError("ORCH2004", $"{planPath} is already being run by another Orch process{(running is null ? "" : $" (run {running.Id})")}",
            running is null ? "Wait for it to finish, or stop it with Ctrl-C." : $"Wait for it (`dotnet orch status {running.Id}`), or stop it with Ctrl-C and `dotnet orch resume {running.Id}`.");
    }

    /// <summary>Removes the worktrees and merged branches of finished runs; unmerged branches stay unless <paramref name="force"/>.</summary>
    public async Task<CleanupResult> CleanupAsync(string? runId, bool force, CancellationToken cancellationToken)
    {
        var store = await _engine.StoreAsync(cancellationToken);
        var git = _engine.Git;
        var root = _engine.RepositoryRoot;
        var hooks = _engine.Settings.Value?.Worktree.BeforeRemove ?? [];
        EngineServices? services = null;
        var removed = new List<CleanupResult.Removed>();
        var kept = new List<CleanupResult.Kept>();
        foreach (var tree in await store.ListWorktreesAsync(runId, cancellationToken))
        {
            if (tree.Status == WorktreeStatus.Removed || (await store.GetRunAsync(tree.RunId, cancellationToken))?.Status == RunStatus.Running)
            {
                continue;
            }

            if (hooks.Count > 0 && Directory.Exists(tree.Path))
            {
                services ??= await _engine.ServicesAsync(cancellationToken);
                var runner = new WorktreeHookRunner(services.Workflow(_engine.Time));
                var target = new HookTarget(tree.RunId, tree.WorkstreamId, root, tree.Path, OwnerIdentity.Direct());
                if (await runner.RunAsync("before_remove", hooks, target, "before-remove", WorktreeHookRunner.Environment(target, null, null), null,
                        cancellationToken) is { } failed)
                {
                    kept.Add(new CleanupResult.Kept(tree.Branch, tree.WorkstreamId, $"worktree kept: {failed.Split('\n')[0]}"));
                    continue;
                }
            }

            await git.RemoveWorktreeAsync(root, tree.Path, cancellationToken);
            var branchExists = await git.BranchExistsAsync(root, tree.Branch, cancellationToken);
            var merged = !branchExists || await git.IsMergedAsync(root, tree.Branch, cancellationToken);
            if (branchExists && !merged && !force)
            {
                kept.Add(new CleanupResult.Kept(tree.Branch, tree.WorkstreamId, "unmerged commits; use --force to delete"));
                await store.SaveWorktreeAsync(tree with { Status = WorktreeStatus.BranchKept }, cancellationToken);
                continue;
            }

            if (branchExists)
            {
                await git.DeleteBranchAsync(root, tree.Branch, force: !merged, cancellationToken);
            }

            await store.SaveWorktreeAsync(tree with { Status = WorktreeStatus.Removed }, cancellationToken);
            removed.Add(new CleanupResult.Removed(tree.Branch, tree.WorkstreamId, tree.Path));
        }

        return new CleanupResult(removed, kept);
    }

    /// <summary>Makes <paramref name="folder"/> (already holding the files) a git repository with one commit, as a plan run needs.</summary>
    public async Task InitializeRepositoryAsync(string folder, string message, CancellationToken cancellationToken)
    {
        var git = _engine.Git;
        await git.RunAsync(folder, ["init", "-q"], cancellationToken);
        await git.RunAsync(folder, ["add", "-A"], cancellationToken);
        await git.RunAsync(folder, ["commit", "-q", "-m", message], cancellationToken);
    }
}
