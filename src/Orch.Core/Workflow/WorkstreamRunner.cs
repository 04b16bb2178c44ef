using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Events;
using Orch.Core.Execution;
using Orch.Core.Findings;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Routing;
using Orch.Core.Serialization;
using Orch.Core.Storage;
using Orch.Core.Testing.Dotnet;
using Orch.Core.Bootstrap;

namespace Orch.Core.Workflow;

/// <summary>
/// Carries one workstream through EDIT, STATIC↺FIX and RUNTIME↺FIX in its worktree. Each phase that changes code
/// ends with a checkpoint commit; a finished phase is never run again; a change outside the scope is reset to the
/// last checkpoint.
/// </summary>
public sealed class WorkstreamRunner
{
    private readonly WorkflowServices _services;
    private readonly WorktreeHookRunner _hooks;

    public WorkstreamRunner(WorkflowServices services)
    {
        _services = services;
        _hooks = new WorktreeHookRunner(services);
    }

    private ToolSettings Tools => _services.Settings.Tools;

    public async Task<WorkstreamOutcome> RunAsync(WorkstreamContext context, CancellationToken cancellationToken)
    {
        var spec = context.Spec;
        var started = _services.Time.GetUtcNow();
        var attempts = 0;
        var leftAlone = 0;
        var checkpoint = context.Checkpoint;
        // Routing is decided per workstream and kept local: parallel workstreams share this runner.
        var route = spec.Edit.Tool is null && spec.Edit.Command.Count == 0 ? Route(spec, context.RepositoryRoot) : null;
        var chain = _services.Escalation.Chain(spec.Edit.Tool ?? (spec.Edit.Command.Count > 0 ? "script" : route?.Tool), spec.Edit.Escalation);
        var toolIndex = 0;
        var budget = new BudgetGuard(_services.Costs, _services.Settings.Budgets, context.RunBudgetUsd);
        // In place (--no-worktree) the user's own uncommitted files are there too; only what changes after this is the workstream's.
        var inPlace = string.Equals(context.Worktree, context.RepositoryRoot, StringComparison.Ordinal);
        var baseline = inPlace ? await _services.Git.SnapshotAsync(context.Worktree, checkpoint, cancellationToken) : [];
        var outsideLinks = await OutsideLinks.ReadAsync(_services.Git, context.Worktree, cancellationToken);
        await SaveAsync(WorkstreamStatus.Running, null, null);
        if (route is not null)
        {
            await _services.Bus.PublishAsync(new RoutingDecided(spec.Id, route.Capability, route.Tool, route.Why, route.Skipped) { RunId = context.RunId });
        }

        await _services.Bus.PublishAsync(new WorkstreamStarted(spec.Id, context.Worktree, context.BaseCommit) { RunId = context.RunId });
        IReadOnlyList<PhaseRecord> recorded = [];
        try
        {
            recorded = await _services.Runs.ListPhasesAsync(context.RunId, spec.Id, cancellationToken);
            var done = recorded.Where(p => p.Status == PhaseStatus.Succeeded).Select(p => p.Name).ToHashSet();
            if (!done.Contains(PhaseName.Edit) && await _services.Git.SubjectAsync(context.Worktree, checkpoint, cancellationToken) == $"orch: {spec.Id} {Word(PhaseName.Edit)}")
            {
                // EDIT was committed, and a crash came before it was recorded: it is done, and a second EDIT would apply it twice.
                await PhaseAsync(PhaseName.Edit, PhaseStatus.Succeeded, 1, StopReason.Success, checkpoint);
                done.Add(PhaseName.Edit);
            }


            if (!done.Contains(PhaseName.Edit))
            {
                await PhaseAsync(PhaseName.Edit, PhaseStatus.Running, 1, null, null);
                if (await budget.ExhaustedAsync(context.RunId, spec, PhaseName.Edit, cancellationToken) is { } overBudget)
                {
                    await PhaseAsync(PhaseName.Edit, PhaseStatus.Failed, 1, StopReason.Budget, null);
                    return await FinishAsync(WorkstreamStatus.Failed, StopReason.Budget, overBudget);
                }

                if (await HookAsync("before_run", PhaseName.Edit, 1, cancellationToken) is { } beforeEdit)
                {
                    await PhaseAsync(PhaseName.Edit, PhaseStatus.Failed, 1, StopReason.HookFailed, null);
                    return await FinishAsync(WorkstreamStatus.Failed, StopReason.HookFailed, beforeEdit);
                }

                var edit = await EditWithEscalationAsync(PhaseName.Edit, null, 1, [], cancellationToken);
                if (edit is { } editFailed)
                {
                    await PhaseAsync(PhaseName.Edit, PhaseStatus.Failed, 1, editFailed.Reason, null);
                    return await FinishAsync(WorkstreamStatus.Failed, editFailed.Reason, editFailed.Detail);
                }

                if (await HookAsync("after_run", PhaseName.Edit, 1, cancellationToken) is { } afterEdit)
                {
                    await PhaseAsync(PhaseName.Edit, PhaseStatus.Failed, 1, StopReason.HookFailed, null);
                    return await FinishAsync(WorkstreamStatus.Failed, StopReason.HookFailed, afterEdit);
                }

                if (await ScopeViolationAsync(checkpoint, cancellationToken) is { } violation)
                {
                    await PhaseAsync(PhaseName.Edit, PhaseStatus.Failed, 1, StopReason.ScopeViolation, null);
                    return await FinishAsync(WorkstreamStatus.Failed, StopReason.ScopeViolation, violation);
                }

                checkpoint = await CheckpointAsync(Word(PhaseName.Edit), checkpoint, cancellationToken);
                await PhaseAsync(PhaseName.Edit, PhaseStatus.Succeeded, 1, StopReason.Success, checkpoint);
            }

            foreach (var phase in new[] { PhaseName.Static, PhaseName.Runtime })
            {
                if (done.Contains(phase))
                {
                    continue;
                }

                var (reason, detail, used, sha) = await LoopAsync(phase, checkpoint, cancellationToken);
                attempts += used;
                checkpoint = sha;
                if (reason != StopReason.Success)
                {
                    return await FinishAsync(reason == StopReason.NeedsAttention ? WorkstreamStatus.NeedsAttention : WorkstreamStatus.Failed, reason, detail);
                }
            }

            return await FinishAsync(WorkstreamStatus.Succeeded, StopReason.Success,
                leftAlone > 0 ? $"{leftAlone} baseline finding(s) (already on the base commit) left alone" : null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FinishAsync(WorkstreamStatus.Cancelled, StopReason.Cancelled, "cancelled while running");
        }
        catch (StepStalledException stalled)
        {
            // A check (or the baseline check) went silent: a fault of the environment, never something to send to FIX.
            return await FinishAsync(WorkstreamStatus.Failed, StopReason.Stalled, stalled.Message);
        }

        // Hooks around a phase attempt: a failing one stops the workstream with its output; status shows it while it runs.
        async Task<string?> HookAsync(string hook, PhaseName phase, int attempt, CancellationToken ct)
        {
            var commands = hook == "before_run" ? _services.Settings.Worktree.BeforeRun : _services.Settings.Worktree.AfterRun;
            if (commands.Count == 0)
            {
                return null;
            }

            var failure = await _hooks.RunAsync(hook, commands, context, $"{Word(phase)}-{attempt}-{hook}".ToLowerInvariant().Replace('_', '-'),
                WorktreeHookRunner.Environment(context, Word(phase), attempt), detail => SaveAsync(WorkstreamStatus.Running, null, detail), ct);
            return failure is null ? null : $"{Word(phase)} attempt {attempt}: {failure}";
        }

        // The edit tool, and when it fails or stalls, the next tool of the escalation chain.
        async Task<(StopReason Reason, string Detail)?> EditWithEscalationAsync(PhaseName phase, PhaseName? loopPhase, int attempt, IReadOnlyList<Finding> findings,
            CancellationToken ct)
        {
            while (true)
            {
                var tool = chain.ElementAtOrDefault(toolIndex);
                var failed = await InvokeEditToolAsync(context, tool, phase, loopPhase, attempt, findings, ct);
                if (failed is null)
                {
                    return null;
                }

                if (toolIndex + 1 >= chain.Count)
                {
                    return failed;
                }

                toolIndex++;
                await _services.Bus.PublishAsync(new WorkstreamEscalated(spec.Id, loopPhase ?? phase, tool!, chain[toolIndex]) { RunId = context.RunId });
            }
        }

        async Task<(StopReason Reason, string? Detail, int Attempts, string Checkpoint)> LoopAsync(PhaseName phase, string sha, CancellationToken ct)
        {
            // The workstream's own list wins, then the project's profile, then what the worktree shows.
            var check = CheckPhase.For(phase, _services.Settings, context.Worktree, phase == PhaseName.Static ? spec.Static : spec.Runtime);
            if (check.Commands.Count == 0)
            {
                // Nothing to check is not a check that passed; it counts no attempt.
                await PhaseAsync(phase, PhaseStatus.Succeeded, 0, StopReason.Success, sha);
                await _services.Bus.PublishAsync(new PhaseSkipped(spec.Id, phase, "no commands") { RunId = context.RunId });
                return (StopReason.Success, null, 0, sha);
            }

            var detector = new OscillationDetector(spec.Loop.OscillationWindow, spec.Loop.OscillationThreshold);
            // Each phase's FIX loop starts again at the head of the escalation chain.
            toolIndex = 0;
            var failedFixes = 0;
            var perTool = spec.Edit.FixAttemptsPerTool ?? _services.Settings.Escalation.FixAttemptsPerTool ?? Math.Max(1, spec.Loop.MaxAttempts - 1);
            // Resumed after a crash or Ctrl-C: go on after the attempt that was cut short, so no attempt's logs and labels are reused.
            var cutShort = recorded.Where(p => p.Name == phase && p.Status != PhaseStatus.Succeeded).Select(p => p.Attempts).DefaultIfEmpty(0).Max();
            for (var attempt = cutShort + 1; ; attempt++)
            {
                await PhaseAsync(phase, PhaseStatus.Running, attempt, null, null);
                if (await HookAsync("before_run", phase, attempt, ct) is { } beforeCheck)
                {
                    await PhaseAsync(phase, PhaseStatus.Failed, attempt, StopReason.HookFailed, null);
                    return (StopReason.HookFailed, beforeCheck, attempt, sha);
                }

                bool failed;
                IReadOnlyList<Finding> found;
                try
                {
                    (failed, found) = await CheckAsync(context, check, $"{Word(phase)}-{attempt}", sha, ChangedByWorkstreamAsync, ct);
                }
                catch (StepStalledException stalled)
                {
                    await PhaseAsync(phase, PhaseStatus.Failed, attempt, StopReason.Stalled, null);
                    return (StopReason.Stalled, $"{Word(phase)} check {attempt}: {stalled.Message}", attempt, sha);
                }

                // What fails on the base commit too is not the workstream's doing: reported, never sent to FIX.
                var (findings, baseline) = failed ? await WithoutBaselineAsync(check, found, ct) : (found, []);
                failed &= findings.Count > 0;
                await _services.Bus.PublishAsync(new PhaseChecked(spec.Id, phase, attempt, !failed, findings.Count,
                    findings.Select(FindingSignature.Of).Distinct().Order(StringComparer.Ordinal).ToList(), baseline.Count,
                    findings.Take(PhaseChecked.TopCount).ToList()) { RunId = context.RunId });
                if (!failed)
                {
                    leftAlone += baseline.Count;
                    if (await HookAsync("after_run", phase, attempt, ct) is { } afterPass)
                    {
                        await PhaseAsync(phase, PhaseStatus.Failed, attempt, StopReason.HookFailed, null);
                        return (StopReason.HookFailed, afterPass, attempt, sha);
                    }

                    sha = await CheckpointAsync(Word(phase), sha, ct);
                    await PhaseAsync(phase, PhaseStatus.Succeeded, attempt, StopReason.Success, sha);
                    return (StopReason.Success, null, attempt, sha);
                }

                var summary = $"{Word(phase)}: {findings.Count} finding(s) left after {attempt} check(s), first: {Describe(findings[0])}";
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
                            await PhaseAsync(phase, PhaseStatus.Failed, attempt, StopReason.NeedsAttention, null);
                            return (StopReason.NeedsAttention, $"every tool of the escalation chain ({string.Join(" -> ", chain)}) failed to fix it; {summary}", attempt, sha);
                        }

                        await _services.Bus.PublishAsync(new WorkstreamEscalated(spec.Id, phase, from, chain[toolIndex]) { RunId = context.RunId });
                    }
                }
                else if (oscillating)
                {
                    await PhaseAsync(phase, PhaseStatus.Failed, attempt, StopReason.Oscillation, null);
                    return (StopReason.Oscillation, $"{Word(phase)}: the same findings came back (attempt {attempt}); {summary}", attempt, sha);
                }
                else if (attempt >= spec.Loop.MaxAttempts)
                {
                    await PhaseAsync(phase, PhaseStatus.Failed, attempt, StopReason.MaxAttempts, null);
                    return (StopReason.MaxAttempts, summary, attempt, sha);
                }

                if (await budget.ExhaustedAsync(context.RunId, spec, phase, ct) is { } overBudget)
                {
                    await PhaseAsync(phase, PhaseStatus.Failed, attempt, StopReason.Budget, null);
                    return (StopReason.Budget, overBudget, attempt, sha);
                }

                var fix = await EditWithEscalationAsync(PhaseName.Fix, phase, attempt, findings, ct);
                if (fix is { } fixFailed)
                {
                    await PhaseAsync(phase, PhaseStatus.Failed, attempt, fixFailed.Reason, null);
                    return (fixFailed.Reason, fixFailed.Detail, attempt, sha);
                }

                if (await HookAsync("after_run", phase, attempt, ct) is { } afterFix)
                {
                    await PhaseAsync(phase, PhaseStatus.Failed, attempt, StopReason.HookFailed, null);
                    return (StopReason.HookFailed, afterFix, attempt, sha);
                }

                if (await ScopeViolationAsync(sha, ct) is { } violation)
                {
                    await PhaseAsync(phase, PhaseStatus.Failed, attempt, StopReason.ScopeViolation, null);
                    return (StopReason.ScopeViolation, violation, attempt, sha);
                }

                sha = await CheckpointAsync($"{Word(phase)} fix {attempt}", sha, ct);
            }
        }

        async Task<(IReadOnlyList<Finding> Counted, IReadOnlyList<Finding> Baseline)> WithoutBaselineAsync(CheckPhase check, IReadOnlyList<Finding> findings,
            CancellationToken ct)
        {
            // A finding in a file the workstream changed is its own; elsewhere it may be old, and only the base commit can say.
            var own = (await ChangedByWorkstreamAsync(context.BaseCommit, ct)).ToHashSet(StringComparer.Ordinal);
            var candidates = findings.Where(f => f.File is null || !own.Contains(f.File)).ToList();
            if (candidates.Count == 0)
            {
                return (findings, []);
            }

            var known = await BaselineAsync(check, ct);
            // Asked to fix what is there (fix_baseline), the workstream owns the old findings inside its scope too.
            var baseline = candidates.Where(f => known.Contains(FindingSignature.Of(f))
                && !(spec.FixBaseline && f.File is not null && spec.FilesScope.Count > 0 && ScopeMatcher.Allows(spec.FilesScope, f.File))).ToList();
            return (findings.Where(f => !baseline.Contains(f)).ToList(), baseline);
        }

        async Task<HashSet<string>> BaselineAsync(CheckPhase check, CancellationToken ct)
        {
            var cache = Path.Combine(context.StateDirectory, $"baseline-{Word(check.Name).ToLowerInvariant()}-{context.BaseCommit[..Math.Min(12, context.BaseCommit.Length)]}.json");
            if (File.Exists(cache) && System.Text.Json.JsonSerializer.Deserialize<List<string>>(File.ReadAllText(cache)) is { } saved)
            {
                return saved.ToHashSet(StringComparer.Ordinal);
            }

            var path = Path.Combine(context.RepositoryRoot, ".orch", "worktrees", context.RunId, $"{spec.Id}.baseline");
            await _services.Git.RemoveWorktreeAsync(context.RepositoryRoot, path, ct);
            await _services.Git.AddWorktreeAsync(context.RepositoryRoot, path, null, context.BaseCommit, ct);
            try
            {
                var (_, found) = await CheckAsync(context with { Worktree = path }, check, $"{Word(check.Name)}-baseline", context.BaseCommit, null, ct);
                var signatures = found.Select(FindingSignature.Of).ToHashSet(StringComparer.Ordinal);
                Directory.CreateDirectory(context.StateDirectory);
                await File.WriteAllTextAsync(cache, System.Text.Json.JsonSerializer.Serialize(signatures.Order(StringComparer.Ordinal)), ct);
                return signatures;
            }
            finally
            {
                await _services.Git.RemoveWorktreeAsync(context.RepositoryRoot, path, CancellationToken.None);
            }
        }

        async Task<IReadOnlyList<string>> ChangedByWorkstreamAsync(string sha, CancellationToken ct)
        {
            var changed = await _services.Git.ChangedFilesAsync(context.Worktree, sha, ct);
            if (!inPlace)
            {
                return changed;
            }

            var now = await _services.Git.SnapshotAsync(context.Worktree, sha, ct);
            return changed.Where(f => !baseline.TryGetValue(f, out var before) || !now.TryGetValue(f, out var after) || before != after).ToList();
        }

        async Task<string?> ScopeViolationAsync(string sha, CancellationToken ct)
        {
            var changed = await ChangedByWorkstreamAsync(sha, ct);
            // git cannot see a change made through a link that leads out of the worktree; it is outside any scope.
            var throughLinks = outsideLinks.TakeChanges();
            var outside = ScopeGuard.Violations(spec, changed).Concat(throughLinks).ToList();
            if (outside.Count == 0)
            {
                return null;
            }

            if (inPlace)
            {
                // Never reset the user's tree wholesale: undo only the workstream's own changes.
                foreach (var file in changed)
                {
                    if ((await _services.Git.TryRunAsync(context.Worktree, ["checkout", sha, "--", file], ct)).ExitCode != 0)
                    {
                        File.Delete(Path.Combine(context.Worktree, file));
                    }
                }
            }
            else
            {
                await _services.Git.ResetAsync(context.Worktree, sha, ct);
            }

            await _services.Bus.PublishAsync(new WorkstreamScopeViolation(spec.Id, outside, sha) { RunId = context.RunId });
            var linked = throughLinks.Count == 0 ? ""
                : $"; {throughLinks.Count} of them outside the repository, written through a symbolic link, which no reset can undo";
            return $"changed files outside files_scope/files_create: {string.Join(", ", outside)}; reset to checkpoint {sha[..Math.Min(12, sha.Length)]}{linked}";
        }

        async Task<string> CheckpointAsync(string label, string sha, CancellationToken ct)
        {
            var commit = await _services.Git.CheckpointAsync(context.Worktree, $"orch: {spec.Id} {label}", ct, inPlace ? await ChangedByWorkstreamAsync(sha, ct) : null);
            if (commit is null)
            {
                return sha;
            }

            CrashPoints.Hit(CrashPoints.AfterCheckpoint);
            if (context.PublishCheckpoint is { } publish)
            {
                await publish(commit, ct);
            }

            await _services.Bus.PublishAsync(new WorkstreamCheckpoint(spec.Id, label, commit) { RunId = context.RunId });
            return commit;
        }

        Task PhaseAsync(PhaseName phase, PhaseStatus status, int attempt, StopReason? reason, string? sha) =>
            _services.Runs.SavePhaseAsync(new PhaseRecord(context.RunId, spec.Id, phase, status, attempt, reason, sha), CancellationToken.None);

        Task SaveAsync(WorkstreamStatus status, StopReason? reason, string? detail) =>
            _services.Runs.SaveWorkstreamAsync(new WorkstreamRecord(context.RunId, spec.Id, spec.Title, status, reason, attempts, detail, started,
                status is WorkstreamStatus.Running ? null : _services.Time.GetUtcNow()), CancellationToken.None);

        async Task<WorkstreamOutcome> FinishAsync(WorkstreamStatus status, StopReason reason, string? detail)
        {
            await SaveAsync(status, reason, detail);
            var spent = await _services.Costs.SumCostAsync(context.RunId, spec.Id, null, CancellationToken.None);
            await _services.Bus.PublishAsync(new WorkstreamFinished(spec.Id, status, reason, attempts, detail, spent) { RunId = context.RunId });
            return new WorkstreamOutcome(spec.Id, status, reason, attempts, detail, checkpoint) { SpentUsd = spent };
        }
    }

    /// <summary>
    /// Runs the autofixers on the files the workstream changed, then the checks; returns whether the phase failed and the
    /// findings that made it fail. Without <paramref name="ownChanges"/> (a baseline check) no autofixer runs.
    /// </summary>
    private async Task<(bool Failed, IReadOnlyList<Finding> Findings)> CheckAsync(WorkstreamContext context, CheckPhase check, string label, string checkpoint,
        Func<string, CancellationToken, Task<IReadOnlyList<string>>>? ownChanges, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        var failed = false;
        var word = Word(check.Name);
        var ordered = check.InOrder;
        for (var i = 0; i < ordered.Count; i++)
        {
            var command = ordered[i];
            var step = $"{label}-{i + 1}".ToLowerInvariant();
            var resultsDirectory = Path.Combine(context.StateDirectory, "results", step);
            if (command.Autofix)
            {
                if (ownChanges is null)
                {
                    continue;
                }

                // Autofixers fix the workstream's own files, never the rest of the repository.
                var own = (await ownChanges(context.BaseCommit, cancellationToken)).Where(f => File.Exists(Path.Combine(context.Worktree, f))).ToList();
                if (own.Count > 0)
                {
                    var before = await _services.Git.SnapshotAsync(context.Worktree, checkpoint, cancellationToken);
                    await RunJobAsync(context, step, CheckPhase.ToolOf(command), command.UseShell ? command.Command : command.For(own), command.UseShell,
                        new Dictionary<string, string>(), [], cancellationToken, s => s with { Phase = word, ResultsDirectory = resultsDirectory, CheckCommand = command.Display });
                    await RevertUntouchedAsync(context, checkpoint, before, own, cancellationToken);
                }

                continue;
            }

            if (!command.UseShell && DotnetTestPlanner.Handles(command.Command))
            {
                // Each test project the way its platform runs it, after one build.
                var run = await DotnetTestRun.RunAsync(command.Command, context.Worktree, resultsDirectory, new DotnetTestPlanner(new MsBuildProjectEvaluator()),
                    (part, argv, results, ct) => RunJobAsync(context, $"{step}-{part}", "dotnet", argv, false, new Dictionary<string, string>(), [], ct,
                        s => s with { Phase = word, ResultsDirectory = results, CheckCommand = command.Display }), cancellationToken);
                findings.AddRange(check.FindingsOf(command, run.Build, out var buildFailed, context.Worktree));
                failed |= buildFailed;
                foreach (var test in run.Tests)
                {
                    findings.AddRange(check.FindingsOf(PhaseCommand.Argv([.. test.Invocation.Command]), test.Outcome, out var testFailed, context.Worktree));
                    failed |= testFailed;
                }

                continue;
            }

            var outcome = await RunJobAsync(context, step, CheckPhase.ToolOf(command), command.Command, command.UseShell,
                new Dictionary<string, string>(), [], cancellationToken, s => s with { Phase = word, ResultsDirectory = resultsDirectory, CheckCommand = command.Display });
            findings.AddRange(check.FindingsOf(command, outcome, out var commandFailed, context.Worktree));
            failed |= commandFailed;
        }

        return (failed, findings);
    }

    /// <summary>Runs the edit tool for EDIT or FIX; returns why it failed (<c>stalled</c> or <c>tool_failed</c>), else <see langword="null"/>.</summary>
    private async Task<(StopReason Reason, string Detail)?> InvokeEditToolAsync(WorkstreamContext context, string? tool, PhaseName phase, PhaseName? loopPhase, int attempt,
        IReadOnlyList<Finding> findings, CancellationToken cancellationToken)
    {
        var edit = context.Spec.Edit;
        if (tool is null)
        {
            return (StopReason.ToolFailed, "the workstream names no edit tool; set edit.tool, or edit.command for the script tool");
        }

        if (tool != "script" && !_services.Executor.Knows(tool))
        {
            return (StopReason.ToolFailed, $"no adapter for the edit tool '{tool}'; use aider, codex, claude, or script with an edit.command");
        }

        if (tool == "script" && edit.Command.Count == 0)
        {
            return (StopReason.ToolFailed, "the script tool needs edit.command");
        }

        // FIX runs inside STATIC and RUNTIME; the label keeps their prompts and logs apart.
        var label = loopPhase is { } loop ? $"{Word(loop)}-{Word(phase)}-{attempt}" : $"{Word(phase)}-{attempt}";
        var (prompt, findingsFile) = PromptWriter.Write(context, phase, label, attempt, findings);
        var environment = WorktreeHookRunner.Environment(context, Word(phase), attempt);
        environment["ORCH_PROMPT_FILE"] = prompt;
        environment["ORCH_FINDINGS_FILE"] = findingsFile;
        var options = Tools.For(tool);
        var outcome = await RunJobAsync(context, label, tool, tool == "script" ? edit.Command : [], false, environment, [0], cancellationToken, stallStops: false, customize: s => s with
        {
            Phase = Word(loopPhase ?? PhaseName.Edit),
            Prompt = File.ReadAllText(prompt),
            Model = edit.Model ?? options.Model,
            Executable = options.Executable,
            FilesScope = context.Spec.AllScope.Distinct(StringComparer.Ordinal).ToList(),
            ResultsDirectory = Path.Combine(context.StateDirectory, "results", label.ToLowerInvariant()),
        });
        await _services.Bus.PublishAsync(new WorkstreamToolOutput(context.Spec.Id, tool, phase, attempt, OutputLines(outcome.OutputTail, 20), outcome.Summary) { RunId = context.RunId });
        return outcome.Status switch
        {
            JobStatus.Succeeded => null,
            JobStatus.Cancelled => throw new OperationCanceledException(cancellationToken),
            JobStatus.Stalled => (StopReason.Stalled, $"{Word(phase)} tool '{tool}' {outcome.Error}{await RepeatedStallAsync(context, tool, cancellationToken)}"),
            _ => (StopReason.ToolFailed, $"{Word(phase)} tool '{tool}' failed: {outcome.Error ?? OrchJson.EnumText(outcome.Status)}"),
        };
    }

    private async Task<JobOutcome> RunJobAsync(WorkstreamContext context, string label, string tool, IReadOnlyList<string> command, bool shell,
        IReadOnlyDictionary<string, string> environment, IReadOnlyList<int> successCodes, CancellationToken cancellationToken,
        Func<JobSpec, JobSpec>? customize = null, bool stallStops = true)
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
            StallTimeout = defaults.StallAfter(tool),
            // Checks fail by their findings, not by retrying; edits are retried by the FIX loop, not by the job.
            Retry = new RetrySettings { MaxRetries = 0 },
            SuccessExitCodes = successCodes,
            WorkstreamId = context.Spec.Id,
        };
        spec = customize?.Invoke(spec) ?? spec;
        var outcome = await _services.Lifecycle.RunAsync(context.RunId, spec, context.Owner, cancellationToken);
        if (outcome.Status == JobStatus.Cancelled)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        if (outcome.Status == JobStatus.Stalled && stallStops)
        {
            throw new StepStalledException($"`{string.Join(' ', command)}` ({tool}) {outcome.Error}{await RepeatedStallAsync(context, tool, cancellationToken)}; log {outcome.LogFile}");
        }

        return outcome;
    }

    /// <summary>Says so when the same tool has stalled before in this workstream in this run (a resume that meets the same stall).</summary>
    private async Task<string> RepeatedStallAsync(WorkstreamContext context, string tool, CancellationToken cancellationToken)
    {
        var stalls = (await _services.Jobs.ListJobsAsync(new JobQuery(JobStatus.Stalled, context.RunId), cancellationToken))
            .Count(j => j.Spec.WorkstreamId == context.Spec.Id && string.Equals(j.Spec.Tool, tool, StringComparison.OrdinalIgnoreCase));
        return stalls > 1 ? $"; the same stall again: '{tool}' has stalled {stalls} times in this workstream in this run" : "";
    }

    /// <summary>
    /// Undoes what an autofixer changed beyond the workstream's own files, and anything outside its scope. Only files the
    /// autofixer itself changed are touched: a file that was already dirty (the user's, in place) is never reset.
    /// </summary>
    private async Task RevertUntouchedAsync(WorkstreamContext context, string checkpoint, IReadOnlyDictionary<string, string> before,
        IReadOnlyCollection<string> own, CancellationToken cancellationToken)
    {
        var after = await _services.Git.SnapshotAsync(context.Worktree, checkpoint, cancellationToken);
        var touched = after.Where(f => !before.ContainsKey(f.Key)).Select(f => f.Key).ToList();
        var outside = ScopeGuard.Violations(context.Spec, touched).ToHashSet(StringComparer.Ordinal);
        foreach (var file in touched.Where(f => outside.Contains(f) || !own.Contains(f)))
        {
            var restore = await _services.Git.TryRunAsync(context.Worktree, ["checkout", checkpoint, "--", file], cancellationToken);
            if (restore.ExitCode != 0)
            {
                File.Delete(Path.Combine(context.Worktree, file));
            }
        }
    }

    /// <summary>Asks the router for the workstream's capability: the profile's chain (or the project's escalation chain), tools that offer it, installed, with closed breakers, first.</summary>
    private RouteDecision Route(WorkstreamSpec spec, string repositoryRoot)
    {
        var chain = _services.Settings.Escalation.Chain.Count > 0 ? _services.Settings.Escalation.Chain
            : _services.Settings.Profile?.Routing.GetValueOrDefault(OrchJson.EnumText(spec.Edit.Capability)) ?? [];
        var router = new CapabilityRouter(tool => tool == "script" ? spec.Edit.Command.Count > 0 : IsInstalled(tool, repositoryRoot), _services.Executor.IsBreakerOpen,
            (tool, capability) => tool == "script" || _services.Executor.Offers(tool, capability));
        return router.Route(spec.Edit.Capability, chain);
    }

    // Tools are looked up relative to the repository, never the process's current folder.
    private bool IsInstalled(string tool, string repositoryRoot) =>
        _services.Executor.Knows(tool) && Adapters.Process.ExecutableLocator.Find(Tools.For(tool).Executable ?? tool, repositoryRoot) is not null;

    /// <summary>The tool's own last output lines, as its adapter read them.</summary>
    private static IReadOnlyList<string> OutputLines(string tail, int max) =>
        tail.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(max).ToList();

    private static string Word(PhaseName phase) => OrchJson.EnumText(phase);

    private static string Describe(Finding f) =>
        $"{(f.File is null ? "" : $"{f.File}{(f.Line is { } l ? $":{l}" : "")} ")}{f.Code}: {f.Message}";
}
