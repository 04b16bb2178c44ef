using Orch.Abstractions.Diagnostics;
using Orch.Abstractions.Model;
using Orch.Abstractions.State;
using Orch.Adapters.Parsing;
using Orch.Core.Execution;
using Orch.Core.Findings;
using Orch.Core.Git;
using Orch.Core.Planning;

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
    private readonly ToolSettings _tools;
    private readonly TimeProvider _time;

    public WorkstreamRunner(IStateStore store, JobExecutor executor, GitClient git, RunEvents events, ToolSettings tools, TimeProvider time)
    {
        _store = store;
        _executor = executor;
        _git = git;
        _events = events;
        _tools = tools;
        _time = time;
    }

    public async Task<WorkstreamOutcome> RunAsync(WorkstreamContext context, CancellationToken cancellationToken)
    {
        var spec = context.Spec;
        var started = _time.GetUtcNow();
        var attempts = 0;
        var checkpoint = context.Checkpoint;
        await SaveAsync(WorkstreamStatus.Running, null, null);
        await _events.EmitAsync("workstream.started", context.RunId, new { workstream = spec.Id, worktree = context.Worktree });
        try
        {
            var done = (await _store.ListPhasesAsync(context.RunId, spec.Id, cancellationToken))
                .Where(p => p.Status == "succeeded").Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

            if (!done.Contains(PhaseNames.Edit))
            {
                await PhaseAsync(PhaseNames.Edit, "running", 1, null, null);
                var edit = await InvokeEditToolAsync(context, PhaseNames.Edit, 1, [], cancellationToken);
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
                    return await FinishAsync(WorkstreamStatus.Failed, reason, detail);
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
            var commands = phase == PhaseNames.Static
                ? spec.Static ?? PhaseDefaults.Static(context.Worktree)
                : spec.Runtime ?? PhaseDefaults.Runtime(context.Worktree);
            if (commands.Count == 0)
            {
                // Nothing to check is not a check that passed; it counts no attempt.
                await PhaseAsync(phase, "succeeded", 0, StopReasons.Success, sha);
                await _events.EmitAsync("phase.skipped", context.RunId, new { workstream = spec.Id, phase, reason = "no commands" });
                return (StopReasons.Success, null, 0, sha);
            }

            var detector = new OscillationDetector(spec.Loop.OscillationWindow, spec.Loop.OscillationThreshold);
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
                if (detector.Observe(findings.Select(FindingSignature.Of)))
                {
                    await PhaseAsync(phase, "failed", attempt, StopReasons.Oscillation, null);
                    return (StopReasons.Oscillation, $"{phase}: the same findings came back (attempt {attempt}); {summary}", attempt, sha);
                }

                if (attempt >= spec.Loop.MaxAttempts)
                {
                    await PhaseAsync(phase, "failed", attempt, StopReasons.MaxAttempts, null);
                    return (StopReasons.MaxAttempts, summary, attempt, sha);
                }

                var fix = await InvokeEditToolAsync(context, PhaseNames.Fix, attempt, findings, ct, phase);
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

        async Task<string?> ScopeViolationAsync(string sha, CancellationToken ct)
        {
            var changed = await _git.ChangedFilesAsync(context.Worktree, sha, ct);
            var outside = ScopeGuard.Violations(spec, changed);
            if (outside.Count == 0)
            {
                return null;
            }

            await _git.ResetAsync(context.Worktree, sha, ct);
            await _events.EmitAsync("workstream.scope_violation", context.RunId, new { workstream = spec.Id, files = outside, reset_to = sha });
            return $"changed files outside files_scope/files_create: {string.Join(", ", outside)}; reset to checkpoint {sha[..Math.Min(12, sha.Length)]}";
        }

        async Task<string> CheckpointAsync(string label, string sha, CancellationToken ct)
        {
            var commit = await _git.CheckpointAsync(context.Worktree, $"orch: {spec.Id} {label}", ct);
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
            await _events.EmitAsync("workstream.finished", context.RunId, new { workstream = spec.Id, status, stop_reason = reason, attempts, detail });
            return new WorkstreamOutcome(spec.Id, status, reason, attempts, detail, checkpoint);
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
            var argv = WithTestResults(command, resultsDirectory);
            var outcome = await RunJobAsync(context, $"{phase}-{attempt}-{i + 1}", ToolOf(command), argv, command.UseShell,
                new Dictionary<string, string>(), [], cancellationToken);
            if (command.Autofix)
            {
                await RevertOutOfScopeAsync(context, checkpoint, cancellationToken);
                continue;
            }

            var found = outcome.Findings.Where(f => f.Severity >= minimum).ToList();
            if (Directory.Exists(resultsDirectory))
            {
                foreach (var trx in Directory.EnumerateFiles(resultsDirectory, "*.trx", SearchOption.AllDirectories))
                {
                    found.AddRange(TrxParser.FailedTests(trx, ToolOf(command), context.Worktree));
                }
            }

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

    /// <summary>Runs the EDIT tool for EDIT or FIX; returns a reason when it failed, else <see langword="null"/>.</summary>
    private async Task<string?> InvokeEditToolAsync(WorkstreamContext context, string phase, int attempt, IReadOnlyList<Finding> findings,
        CancellationToken cancellationToken, string? loopPhase = null)
    {
        // FIX runs inside STATIC and RUNTIME; the label keeps their prompts and logs apart.
        var label = loopPhase is null ? $"{phase}-{attempt}" : $"{loopPhase}-{phase}-{attempt}";
        var edit = context.Spec.Edit;
        var tool = edit.Tool ?? (edit.Command.Count > 0 ? "script" : null);
        if (tool is null)
        {
            return "the workstream names no edit tool; set edit.tool, or edit.command for the script tool";
        }

        if (tool != "script")
        {
            return $"the edit tool '{tool}' has no adapter in this version of Orch; use tool: script with an edit.command";
        }

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
        var outcome = await RunJobAsync(context, label, "script", edit.Command, false, environment, [0], cancellationToken);
        await _events.EmitAsync("workstream.tool_output", context.RunId, new { workstream = context.Spec.Id, phase, attempt, lines = OutputLines(outcome.LogFile, 20) });
        return outcome.Status switch
        {
            JobStatus.Succeeded => null,
            JobStatus.Cancelled => throw new OperationCanceledException(cancellationToken),
            _ => $"{phase} tool '{tool}' {outcome.Error ?? outcome.Status.ToString()}",
        };
    }

    private async Task<JobOutcome> RunJobAsync(WorkstreamContext context, string label, string tool, IReadOnlyList<string> command, bool shell,
        IReadOnlyDictionary<string, string> environment, IReadOnlyList<int> successCodes, CancellationToken cancellationToken)
    {
        var defaults = _tools.For(tool);
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

    private static IReadOnlyList<string> WithTestResults(PhaseCommand command, string resultsDirectory)
    {
        var argv = command.Command;
        var isDotnetTest = !command.UseShell && argv.Count >= 2 && Path.GetFileName(argv[0]) == "dotnet" && argv[1] == "test";
        if (!isDotnetTest || argv.Any(a => a.StartsWith("--logger", StringComparison.Ordinal) || a == "-l"))
        {
            return argv;
        }

        return [.. argv, "--logger", "trx", "--results-directory", resultsDirectory];
    }

    private static string ToolOf(PhaseCommand command) =>
        command.UseShell ? "shell" : Path.GetFileName(command.Command[0]) is "dotnet" ? "dotnet" : Path.GetFileName(command.Command[0]);

    /// <summary>The tool's own output lines from its log, without Orch's command and exit lines.</summary>
    private static IReadOnlyList<string> OutputLines(string logFile, int max) =>
        File.Exists(logFile)
            ? File.ReadLines(logFile).Where(l => !l.StartsWith("$ ", StringComparison.Ordinal) && !l.StartsWith("# ", StringComparison.Ordinal)).TakeLast(max).ToList()
            : [];

    private static string Describe(Finding f) =>
        $"{(f.File is null ? "" : $"{f.File}{(f.Line is { } l ? $":{l}" : "")} ")}{f.Code}: {f.Message}";
}
