using Orch.Abstractions.Diagnostics;
using Orch.Abstractions.Model;
using Orch.Abstractions.State;
using Orch.Core.Execution;
using Orch.Core.Findings;
using Orch.Core.Git;
using Orch.Core.Planning;
using Orch.Core.Routing;
using Orch.Core.Settings;

namespace Orch.Core.Workflow;

/// <summary>
/// Carries one workstream through EDIT, STATIC↺FIX and RUNTIME↺FIX in its worktree. Each phase that changes code
/// ends with a checkpoint commit; a finished phase is never run again; a change outside the scope is reset to the
/// last checkpoint.
/// </summary>
public sealed class WorkstreamRunner
{
    private readonly IStateStore _store;
    private readonly JobExecutor _executor;
    private readonly GitClient _git;
    private readonly RunEvents _events;
    private readonly ProjectSettings _settings;
    private readonly TimeProvider _time;

    public WorkstreamRunner(IStateStore store, JobExecutor executor, GitClient git, RunEvents events, ProjectSettings settings, TimeProvider time)
    {
        _store = store;
        _executor = executor;
        _git = git;
        _events = events;
        _settings = settings;
        _time = time;
    }

    private ToolSettings Tools => _settings.Tools;

    public async Task<WorkstreamOutcome> RunAsync(WorkstreamContext context, CancellationToken cancellationToken)
    {
        var spec = context.Spec;
        var started = _time.GetUtcNow();
        var attempts = 0;
        var checkpoint = context.Checkpoint;
        var chain = EscalationChain(spec);
        var budget = new BudgetGuard(_store, _settings.Budgets, context.RunBudgetUsd);
        // In place (--no-worktree) the user's own uncommitted files are there too; only what changes after this is the workstream's.
        var inPlace = string.Equals(context.Worktree, context.RepositoryRoot, StringComparison.Ordinal);
        var baseline = inPlace ? await _git.SnapshotAsync(context.Worktree, checkpoint, cancellationToken) : [];
        await SaveAsync(WorkstreamStatus.Running, null, null);
        if (LastRoute is { } route)
        {
            await _events.EmitAsync("routing.decided", context.RunId, new
            {
                workstream = spec.Id, capability = route.Capability, tool = route.Tool, why = route.Why,
                skipped = route.Skipped.Select(s => new { tool = s.Tool, reason = s.Reason }),
            });
        }
        await _events.EmitAsync("workstream.started", context.RunId, new { workstream = spec.Id, worktree = context.Worktree });
        try
        {
            var done = (await _store.ListPhasesAsync(context.RunId, spec.Id, cancellationToken))
                .Where(p => p.Status == "succeeded").Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

            if (!done.Contains(PhaseNames.Edit))
            {
                await PhaseAsync(PhaseNames.Edit, "running", 1, null, null);
                if (await budget.ExhaustedAsync(context.RunId, spec, PhaseNames.Edit, cancellationToken) is { } overBudget)
                {
                    await PhaseAsync(PhaseNames.Edit, "failed", 1, StopReasons.Budget, null);
                    return await FinishAsync(WorkstreamStatus.Failed, StopReasons.Budget, overBudget);
                }

                var edit = await InvokeEditToolAsync(context, chain.FirstOrDefault(), PhaseNames.Edit, null, 1, [], cancellationToken);
                if (edit is not null)
                {
                    await PhaseAsync(PhaseNames.Edit, "failed", 1, StopReasons.ToolFailed, null);
                    return await FinishAsync(WorkstreamStatus.Failed, StopReasons.ToolFailed, edit);
                }

                if (await ScopeViolationAsync(checkpoint, cancellationToken) is { } violation)
                {
                    await PhaseAsync(PhaseNames.Edit, "failed", 1, StopReasons.ScopeViolation, null);
                    return await FinishAsync(WorkstreamStatus.Failed, StopReasons.ScopeViolation, violation);
                }

                checkpoint = await CheckpointAsync(PhaseNames.Edit, checkpoint, cancellationToken);
                await PhaseAsync(PhaseNames.Edit, "succeeded", 1, StopReasons.Success, checkpoint);
            }

            foreach (var phase in new[] { PhaseNames.Static, PhaseNames.Runtime })
            {
                if (done.Contains(phase))
                {
                    continue;
                }

                var (reason, detail, used, sha) = await LoopAsync(phase, checkpoint, cancellationToken);
                attempts += used;
                checkpoint = sha;
                if (reason != StopReasons.Success)
                {
                    return await FinishAsync(reason == StopReasons.NeedsAttention ? WorkstreamStatus.NeedsAttention : WorkstreamStatus.Failed, reason, detail);
                }
            }

            return await FinishAsync(WorkstreamStatus.Succeeded, StopReasons.Success, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FinishAsync(WorkstreamStatus.Cancelled, StopReasons.Cancelled, "cancelled while running");
        }

        async Task<(string Reason, string? Detail, int Attempts, string Checkpoint)> LoopAsync(string phase, string sha, CancellationToken ct)
        {
            // The workstream's own list wins, then the project's profile, then what the worktree shows.
            var commands = phase == PhaseNames.Static
                ? spec.Static ?? _settings.Profile?.Static ?? PhaseDefaults.Static(context.Worktree)
                : spec.Runtime ?? _settings.Profile?.Runtime ?? PhaseDefaults.Runtime(context.Worktree);
            if (commands.Count == 0)
            {
                // Nothing to check is not a check that passed; it counts no attempt.
                await PhaseAsync(phase, "succeeded", 0, StopReasons.Success, sha);
                await _events.EmitAsync("phase.skipped", context.RunId, new { workstream = spec.Id, phase, reason = "no commands" });
                return (StopReasons.Success, null, 0, sha);
            }

            var detector = new OscillationDetector(spec.Loop.OscillationWindow, spec.Loop.OscillationThreshold);
            var toolIndex = 0;
            var failedFixes = 0;
            var perTool = spec.Edit.FixAttemptsPerTool ?? _settings.Escalation.FixAttemptsPerTool ?? Math.Max(1, spec.Loop.MaxAttempts - 1);
            for (var attempt = 1; ; attempt++)
            {
                await PhaseAsync(phase, "running", attempt, null, null);
                var (failed, findings) = await CheckAsync(context, phase, commands, attempt, sha, ct);
                await _events.EmitAsync("phase.checked", context.RunId, new
                {
                    workstream = spec.Id, phase, attempt, passed = !failed, findings = findings.Count,
                    signatures = findings.Select(FindingSignature.Of).Distinct().Order(StringComparer.Ordinal),
                });
                if (!failed)
                {
                    sha = await CheckpointAsync(phase, sha, ct);
                    await PhaseAsync(phase, "succeeded", attempt, StopReasons.Success, sha);
                    return (StopReasons.Success, null, attempt, sha);
                }

                var summary = $"{phase}: {findings.Count} finding(s) left after {attempt} check(s), first: {Describe(findings[0])}";
                var oscillating = detector.Observe(findings.Select(FindingSignature.Of));
                if (chain.Count > 1)
                {
                    // With an escalation chain, a tool that cannot fix the findings hands over instead of stopping the loop.
                    failedFixes += attempt > 1 ? 1 : 0;
                    if (failedFixes >= perTool || (oscillating && failedFixes > 0))
                    {
                        var from = chain[toolIndex];
                        toolIndex++;
                        failedFixes = 0;
                        detector = new OscillationDetector(spec.Loop.OscillationWindow, spec.Loop.OscillationThreshold);
                        if (toolIndex >= chain.Count)
                        {
                            await PhaseAsync(phase, "failed", attempt, StopReasons.NeedsAttention, null);
                            return (StopReasons.NeedsAttention, $"every tool of the escalation chain ({string.Join(" -> ", chain)}) failed to fix it; {summary}", attempt, sha);
                        }

                        await _events.EmitAsync("workstream.escalated", context.RunId, new { workstream = spec.Id, phase, from, to = chain[toolIndex] });
                    }
                }
                else if (oscillating)
                {
                    await PhaseAsync(phase, "failed", attempt, StopReasons.Oscillation, null);
                    return (StopReasons.Oscillation, $"{phase}: the same findings came back (attempt {attempt}); {summary}", attempt, sha);
                }
                else if (attempt >= spec.Loop.MaxAttempts)
                {
                    await PhaseAsync(phase, "failed", attempt, StopReasons.MaxAttempts, null);
                    return (StopReasons.MaxAttempts, summary, attempt, sha);
                }

                if (await budget.ExhaustedAsync(context.RunId, spec, phase, ct) is { } overBudget)
                {
                    await PhaseAsync(phase, "failed", attempt, StopReasons.Budget, null);
                    return (StopReasons.Budget, overBudget, attempt, sha);
                }

                var fix = await InvokeEditToolAsync(context, chain.ElementAtOrDefault(toolIndex), PhaseNames.Fix, phase, attempt, findings, ct);
                if (fix is not null)
                {
                    await PhaseAsync(phase, "failed", attempt, StopReasons.ToolFailed, null);
                    return (StopReasons.ToolFailed, fix, attempt, sha);
                }

                if (await ScopeViolationAsync(sha, ct) is { } violation)
                {
                    await PhaseAsync(phase, "failed", attempt, StopReasons.ScopeViolation, null);
                    return (StopReasons.ScopeViolation, violation, attempt, sha);
                }

                sha = await CheckpointAsync($"{phase} fix {attempt}", sha, ct);
            }
        }

        async Task<IReadOnlyList<string>> ChangedByWorkstreamAsync(string sha, CancellationToken ct)
        {
            var changed = await _git.ChangedFilesAsync(context.Worktree, sha, ct);
            if (!inPlace)
            {
                return changed;
            }

            var now = await _git.SnapshotAsync(context.Worktree, sha, ct);
            return changed.Where(f => !baseline.TryGetValue(f, out var before) || !now.TryGetValue(f, out var after) || before != after).ToList();
        }

        async Task<string?> ScopeViolationAsync(string sha, CancellationToken ct)
        {
            var changed = await ChangedByWorkstreamAsync(sha, ct);
            var outside = ScopeGuard.Violations(spec, changed);
            if (outside.Count == 0)
            {
                return null;
            }

            if (inPlace)
            {
                // Never reset the user's tree wholesale: undo only the workstream's own changes.
                foreach (var file in changed)
                {
                    if ((await _git.TryRunAsync(context.Worktree, ["checkout", sha, "--", file], ct)).ExitCode != 0)
                    {
                        File.Delete(Path.Combine(context.Worktree, file));
                    }
                }
            }
            else
            {
                await _git.ResetAsync(context.Worktree, sha, ct);
            }

            await _events.EmitAsync("workstream.scope_violation", context.RunId, new { workstream = spec.Id, files = outside, reset_to = sha });
            return $"changed files outside files_scope/files_create: {string.Join(", ", outside)}; reset to checkpoint {sha[..Math.Min(12, sha.Length)]}";
        }

        async Task<string> CheckpointAsync(string label, string sha, CancellationToken ct)
        {
            var commit = await _git.CheckpointAsync(context.Worktree, $"orch: {spec.Id} {label}", ct, inPlace ? await ChangedByWorkstreamAsync(sha, ct) : null);
            if (commit is null)
            {
                return sha;
            }

            await _events.EmitAsync("workstream.checkpoint", context.RunId, new { workstream = spec.Id, label, commit });
            return commit;
        }

        Task PhaseAsync(string phase, string status, int attempt, string? reason, string? sha) =>
            _store.SavePhaseAsync(new PhaseRecord(context.RunId, spec.Id, phase, status, attempt, reason, sha), CancellationToken.None);

        Task SaveAsync(string status, string? reason, string? detail) =>
            _store.SaveWorkstreamAsync(new WorkstreamRecord(context.RunId, spec.Id, spec.Title, status, reason, attempts, detail, started,
                status is WorkstreamStatus.Running ? null : _time.GetUtcNow()), CancellationToken.None);

        async Task<WorkstreamOutcome> FinishAsync(string status, string reason, string? detail)
        {
            await SaveAsync(status, reason, detail);
            var spent = await _store.SumCostAsync(context.RunId, spec.Id, null, CancellationToken.None);
            await _events.EmitAsync("workstream.finished", context.RunId, new { workstream = spec.Id, status, stop_reason = reason, attempts, detail, spent_usd = spent });
            return new WorkstreamOutcome(spec.Id, status, reason, attempts, detail, checkpoint) { SpentUsd = spent };
        }
    }

    /// <summary>Runs the autofixers, then the checks; returns whether the phase failed and the findings that made it fail.</summary>
    private async Task<(bool Failed, IReadOnlyList<Finding> Findings)> CheckAsync(WorkstreamContext context, string phase,
        IReadOnlyList<PhaseCommand> commands, int attempt, string checkpoint, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        var failed = false;
        var minimum = phase == PhaseNames.Static ? FindingSeverity.Warning : FindingSeverity.Error;
        var ordered = commands.Where(c => c.Autofix).Concat(commands.Where(c => !c.Autofix)).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var command = ordered[i];
            var resultsDirectory = Path.Combine(context.StateDirectory, "results", $"{phase.ToLowerInvariant()}-{attempt}-{i + 1}");
            var outcome = await RunJobAsync(context, $"{phase}-{attempt}-{i + 1}", ToolOf(command), command.Command, command.UseShell,
                new Dictionary<string, string>(), [], cancellationToken, s => s with { Phase = phase, ResultsDirectory = resultsDirectory });
            if (command.Autofix)
            {
                await RevertOutOfScopeAsync(context, checkpoint, cancellationToken);
                continue;
            }

            // The adapter read the tool's report (TRX, JUnit XML, JSON) or its diagnostic lines into findings.
            var found = outcome.Findings.Where(f => f.Severity >= minimum).ToList();

            var commandFailed = outcome.Status != JobStatus.Succeeded || (outcome.ExitCode is { } code && code != 0);
            if (commandFailed && found.Count == 0)
            {
                var reason = outcome.Error ?? $"exited with code {outcome.ExitCode}";
                found.Add(new Finding(null, null, null, "EXIT", $"`{command.Display}` {reason}", FindingSeverity.Error, ToolOf(command)));
            }

            failed |= commandFailed || found.Count > 0;
            findings.AddRange(found);
        }

        return (failed, findings);
    }

    /// <summary>Runs the edit tool for EDIT or FIX; returns a reason when it failed, else <see langword="null"/>.</summary>
    private async Task<string?> InvokeEditToolAsync(WorkstreamContext context, string? tool, string phase, string? loopPhase, int attempt,
        IReadOnlyList<Finding> findings, CancellationToken cancellationToken)
    {
        var edit = context.Spec.Edit;
        if (tool is null)
        {
            return "the workstream names no edit tool; set edit.tool, or edit.command for the script tool";
        }

        if (tool != "script" && !_executor.Knows(tool))
        {
            return $"no adapter for the edit tool '{tool}'; use aider, codex, claude, or script with an edit.command";
        }

        if (tool == "script" && edit.Command.Count == 0)
        {
            return "the script tool needs edit.command";
        }

        // FIX runs inside STATIC and RUNTIME; the label keeps their prompts and logs apart.
        var label = loopPhase is null ? $"{phase}-{attempt}" : $"{loopPhase}-{phase}-{attempt}";
        var (prompt, findingsFile) = PromptWriter.Write(context, phase, label, attempt, findings);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ORCH_PROMPT_FILE"] = prompt,
            ["ORCH_FINDINGS_FILE"] = findingsFile,
            ["ORCH_PHASE"] = phase,
            ["ORCH_ATTEMPT"] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ORCH_WORKSTREAM"] = context.Spec.Id,
            ["ORCH_RUN_ID"] = context.RunId,
            ["ORCH_WORKTREE"] = context.Worktree,
        };
        var options = Tools.For(tool);
        var outcome = await RunJobAsync(context, label, tool, tool == "script" ? edit.Command : [], false, environment, [0], cancellationToken, s => s with
        {
            Phase = loopPhase ?? PhaseNames.Edit,
            Prompt = File.ReadAllText(prompt),
            Model = edit.Model ?? options.Model,
            Executable = options.Executable,
            FilesScope = context.Spec.AllScope.Distinct(StringComparer.Ordinal).ToList(),
            ResultsDirectory = Path.Combine(context.StateDirectory, "results", label.ToLowerInvariant()),
        });
        await _events.EmitAsync("workstream.tool_output", context.RunId, new { workstream = context.Spec.Id, tool, phase, attempt, lines = OutputLines(outcome.LogFile, 20) });
        return outcome.Status switch
        {
            JobStatus.Succeeded => null,
            JobStatus.Cancelled => throw new OperationCanceledException(cancellationToken),
            _ => $"{phase} tool '{tool}' failed: {outcome.Error ?? outcome.Status.ToString()}",
        };
    }

    /// <summary>The edit tools in escalation order: the workstream's tool, then its escalation list, or the project's chain from that tool on.</summary>
    private List<string> EscalationChain(WorkstreamSpec spec)
    {
        var primary = spec.Edit.Tool ?? (spec.Edit.Command.Count > 0 ? "script" : Route(spec));
        if (primary is null)
        {
            return [];
        }

        if (spec.Edit.Escalation.Count > 0)
        {
            return [primary, .. spec.Edit.Escalation.Where(t => t != primary)];
        }

        var shared = _settings.Escalation.Chain.ToList();
        var index = shared.IndexOf(primary);
        return index >= 0 ? shared[index..] : [primary];
    }

    private async Task<JobOutcome> RunJobAsync(WorkstreamContext context, string label, string tool, IReadOnlyList<string> command, bool shell,
        IReadOnlyDictionary<string, string> environment, IReadOnlyList<int> successCodes, CancellationToken cancellationToken,
        Func<JobSpec, JobSpec>? customize = null)
    {
        var defaults = Tools.For(tool);
        var spec = new JobSpec
        {
            Name = $"{context.Spec.Id}:{label}",
            Tool = tool,
            Command = command,
            UseShell = shell,
            Environment = environment,
            RepositoryRoot = context.Worktree,
            WorkingDirectory = context.Worktree,
            LogFile = Path.Combine(context.RepositoryRoot, ".orch", "logs", context.RunId, context.Spec.Id, $"{label.ToLowerInvariant()}.log"),
            ErrorReport = Path.Combine(context.RepositoryRoot, ".orch", "logs", context.RunId, context.Spec.Id, $"{label.ToLowerInvariant()}.error.json"),
            Timeout = defaults.Timeout,
            // Checks fail by their findings, not by retrying; edits are retried by the FIX loop, not by the job.
            Retry = new RetrySettings { MaxRetries = 0 },
            SuccessExitCodes = successCodes,
            WorkstreamId = context.Spec.Id,
        };
        spec = customize?.Invoke(spec) ?? spec;
        var job = await _store.StartJobAsync(context.RunId, JobSecrets.Redacted(spec), context.Owner, CancellationToken.None);
        var outcome = await _executor.ExecuteAsync(job, spec, cancellationToken);
        if (outcome.Status == JobStatus.Cancelled)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return outcome;
    }

    private async Task RevertOutOfScopeAsync(WorkstreamContext context, string checkpoint, CancellationToken cancellationToken)
    {
        // An autofixer formats whatever it finds; only changes inside the scope are the workstream's to keep.
        var outside = ScopeGuard.Violations(context.Spec, await _git.ChangedFilesAsync(context.Worktree, checkpoint, cancellationToken));
        foreach (var file in outside)
        {
            var restore = await _git.TryRunAsync(context.Worktree, ["checkout", checkpoint, "--", file], cancellationToken);
            if (restore.ExitCode != 0)
            {
                File.Delete(Path.Combine(context.Worktree, file));
            }
        }
    }

    private static string ToolOf(PhaseCommand command) =>
        command.UseShell ? "shell" : Path.GetFileName(command.Command[0]) is "dotnet" ? "dotnet" : Path.GetFileName(command.Command[0]);

    /// <summary>Asks the router for the workstream's capability: the profile's chain (or the project's escalation chain), installed tools with closed breakers first.</summary>
    private string? Route(WorkstreamSpec spec)
    {
        var chain = _settings.Escalation.Chain.Count > 0 ? _settings.Escalation.Chain
            : _settings.Profile?.Routing.GetValueOrDefault(spec.Edit.Capability) ?? [];
        var router = new CapabilityRouter(tool => tool == "script" ? spec.Edit.Command.Count > 0 : IsInstalled(tool), _executor.IsBreakerOpen);
        var decision = router.Route(spec.Edit.Capability, chain);
        LastRoute = decision;
        return decision.Tool;
    }

    /// <summary>The last routing decision, for the event that records it.</summary>
    internal RouteDecision? LastRoute { get; private set; }

    private bool IsInstalled(string tool) =>
        _executor.Knows(tool) && Adapters.Process.ExecutableLocator.Find(Tools.For(tool).Executable ?? tool, Environment.CurrentDirectory) is not null;

    /// <summary>The tool's own output lines from its log, without Orch's command and exit lines.</summary>
    private static IReadOnlyList<string> OutputLines(string logFile, int max) =>
        File.Exists(logFile)
            ? File.ReadLines(logFile).Where(l => !l.StartsWith("$ ", StringComparison.Ordinal) && !l.StartsWith("# ", StringComparison.Ordinal)).TakeLast(max).ToList()
            : [];

    private static string Describe(Finding f) =>
        $"{(f.File is null ? "" : $"{f.File}{(f.Line is { } l ? $":{l}" : "")} ")}{f.Code}: {f.Message}";
}
