using System.Text.Json;
using Orch.Abstractions.Adapters;
using Orch.Abstractions.Diagnostics;
using Orch.Abstractions.Events;
using Orch.Adapters.Registry;
using Orch.Core.Costs;
using Orch.Core.Events;
using Orch.Core.Jobs;
using Orch.Core.Secrets;
using Orch.Core.Serialization;
using Orch.Core.Storage;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Orch.Core.Execution;

/// <summary>
/// Runs one job that the store already holds as running: adapter, retries, breaker and timeout, the log file, the
/// error report, and one transaction with the result, attempts, findings and events at the end.
/// </summary>
public sealed class JobExecutor
{
    private readonly IJobStore _jobs;
    private readonly AdapterRegistry _adapters;
    private readonly ToolPipelines _pipelines;
    private readonly TimeProvider _time;
    private readonly EventBus _bus;
    private readonly Action<string, string>? _onOutput;
    private readonly PriceTable _prices;
    // The ledgers' folders made so far: a worker's jobs share one, and a worker needs it made once.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _ledgerFolders = new(StringComparer.Ordinal);

    // onOutput is told each redacted output line with its job id, for hosts that show output live.
    public JobExecutor(IJobStore jobs, AdapterRegistry adapters, ToolPipelines pipelines, TimeProvider time, EventBus bus,
        Action<string, string>? onOutput = null, PriceTable? prices = null)
    {
        _prices = prices ?? PriceTable.Default;
        _jobs = jobs;
        _adapters = adapters;
        _pipelines = pipelines;
        _time = time;
        _bus = bus;
        _onOutput = onOutput;
    }

    /// <summary>The worker's job supervisor, which starts queued jobs and records their exits; <see langword="null"/> for a shell around each.</summary>
    internal JobSupervisorClient? Supervisor { get; init; }

    /// <summary>Where a queued job's exit code is recorded (see <see cref="Queue.Reconciler"/>); <see langword="null"/> for a job without a worker.</summary>
    public static ExitRecord? ExitRecordFor(JobRecord job) =>
        IsQueued(job) ? new ExitRecord(ExitLedger.PathFor(job.Spec.RepositoryRoot, job.Owner!.Id), ExitLedger.KeyFor(job.Id, job.Recoveries)) : null;

    /// <summary>
    /// Where a job's output goes: its spec's <c>log_file</c>, else <c>.orch/logs/JOB.log</c> in its repository. The
    /// default file is only made when the job prints something or exits with a code that is not one of its success codes.
    /// </summary>
    public static string LogFileFor(string jobId, JobSpec spec) => spec.LogFile ?? Path.Combine(spec.RepositoryRoot, ".orch", "logs", $"{jobId}.log");

    /// <summary>
    /// Delays before each new try of recording a job's result. The work happened; losing its record would make it run
    /// again. A lock or a full disk gets two more tries; a database server out of reach gets about a minute, the
    /// longest a restart or a failover takes (a completion stored twice is stored once).
    /// </summary>
    private static readonly TimeSpan[] CompletionRetries =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    // Which process runs the job only helps recovery after a crash; failing to write it must not fail the job.
    private async Task RecordProcessAsync(JobRecord job, ProcessIdentity process)
    {
        try
        {
            await _jobs.RecordProcessAsync(job.Id, job.Fence, process, CancellationToken.None);
        }
        catch (StateDatabaseException)
        {
        }
    }

    private async Task CompleteAsync(JobCompletion completion, Queue.NextClaim? next)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                // A retry may follow a write that went through unanswered: it claims nothing, lest a job be claimed twice.
                if (next is not null && retry == 0 && next.Wanted)
                {
                    next.Claimed = await _jobs.CompleteJobAndClaimNextAsync(completion, next.Owner, next.Lease, CancellationToken.None);
                }
                else
                {
                    await _jobs.CompleteJobAsync(completion, CancellationToken.None);
                }

                return;
            }
            catch (StateDatabaseException ex) when (ex.IsTransient && retry < (ex.Fault == StateDatabaseFault.Unavailable ? CompletionRetries.Length : 2))
            {
                await Task.Delay(CompletionRetries[retry], _time, CancellationToken.None);
            }
        }
    }

    private static bool IsQueued(JobRecord job) => job.Owner?.Id.StartsWith(Queue.OwnerIdentity.WorkerPrefix, StringComparison.Ordinal) == true;

    /// <summary>True when the tool's circuit breaker is open, so routing passes it over.</summary>
    public bool IsBreakerOpen(string tool) => _pipelines.IsOpen(tool);

    /// <summary>True when the tool's adapter offers <paramref name="capability"/>; a tool with no adapter of its own offers whatever it is asked for.</summary>
    public bool Offers(string tool, Capability capability) => !_adapters.Knows(tool) || _adapters.Resolve(tool).Capabilities.Contains(capability);

    /// <summary>True when an adapter of that name is registered (unknown tools run as plain processes).</summary>
    public bool Knows(string tool) => _adapters.Knows(tool);

    /// <summary>Runs <paramref name="job"/>. <paramref name="runtimeSpec"/> is the unredacted spec when the caller has one.</summary>
    public Task<JobOutcome> ExecuteAsync(JobRecord job, JobSpec? runtimeSpec, CancellationToken cancellationToken) =>
        ExecuteAsync(job, runtimeSpec, null, cancellationToken);

    /// <summary>Runs <paramref name="job"/>, and claims the worker's next job with its result when <paramref name="next"/> asks.</summary>
    internal async Task<JobOutcome> ExecuteAsync(JobRecord job, JobSpec? runtimeSpec, Queue.NextClaim? next, CancellationToken cancellationToken)
    {
        var spec = runtimeSpec ?? job.Spec;
        var exitRecord = ExitRecordFor(job);
        var supervisor = exitRecord is null ? null : Supervisor;
        supervisor?.Prestart();
        // A queued job starts from its supervisor's environment, read once for all its jobs: redact against that one.
        var redactor = supervisor is null ? JobSecrets.RedactorFor(spec)
            : spec.Environment.Count == 0 ? supervisor.EnvironmentRedactor : JobSecrets.RedactorFor(spec, supervisor.EnvironmentSecrets);
        var logFile = LogFileFor(job.Id, spec);
        var events = new List<NewEvent>();
        var attempts = new List<AttemptRecord>();
        var costs = new List<CostEntry>();
        var nextDelay = TimeSpan.Zero;
        ToolResult? last = null;
        var adapter = _adapters.Resolve(spec.Tool);
        if (exitRecord is not null && Path.GetDirectoryName(exitRecord.Ledger) is { } ledgerFolder && _ledgerFolders.TryAdd(ledgerFolder, 0))
        {
            Directory.CreateDirectory(ledgerFolder);
        }

        var runner = new ProcessRunner(logFile, redactor, _time,
            process => RecordProcessAsync(job, process),
            _onOutput is null ? null : line => _onOutput(job.Id, line),
            exitRecord,
            spec.StallTimeout,
            stopGrace: spec.StopGrace,
            // A log named in the spec is always made; the default one only for output or a failure (see LogFileFor).
            quietLog: spec.LogFile is null)
        {
            Supervisor = supervisor,
            SuccessExitCodes = spec.SuccessExitCodes,
        };

        JobStatus status;
        string? error;
        try
        {
            last = await _pipelines.ExecuteAsync(spec, RunAttemptAsync, (failed, delay) =>
            {
                nextDelay = delay;
                Emit(new JobRetryScheduled(failed, (long)delay.TotalMilliseconds));
            }, cancellationToken);
            status = StatusOf(spec, last);
            error = status == JobStatus.Succeeded ? null
                : status == JobStatus.TimedOut ? $"timed out after {spec.Timeout.TotalSeconds:0.###} s; the process tree was killed"
                : last.Error ?? $"exit code {last.ExitCode}";
        }
        catch (TimeoutRejectedException)
        {
            status = JobStatus.TimedOut;
            error = $"timed out after {spec.Timeout.TotalSeconds:0.###} s; the process tree was killed";
        }
        catch (ToolStalledException ex)
        {
            status = JobStatus.Stalled;
            var stalls = attempts.Count(a => a.Status == JobStatus.Stalled);
            error = stalls > 1 ? $"stalled on each of its {stalls} attempts, the same way: {ex.Message}" : $"stalled: {ex.Message}";
        }
        catch (BrokenCircuitException ex)
        {
            status = JobStatus.CircuitOpen;
            var retryAfter = ex.RetryAfter is { } after ? $"; it may close after {after.TotalSeconds:0} s" : "";
            error = $"circuit open for tool '{spec.Tool}' after repeated failures{retryAfter}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            status = JobStatus.Cancelled;
            error = "cancelled; the process tree was killed";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever went wrong, the job gets a terminal state: a job left "running" blocks resumes and misleads status.
            status = JobStatus.Failed;
            error = $"Orch could not finish running it: {ex.Message}";
        }

        error = error is null ? null : redactor.Redact(error);
        // Test reports and tool files are read without passing the log's redaction.
        var findings = (last?.Findings ?? []).Select(f => f with { Message = redactor.Redact(f.Message) }).ToList();
        if (status == JobStatus.Cancelled && IsQueued(job) && job.Recoveries < Queue.Reconciler.MaxRecoveries)
        {
            // A stopped worker's job goes back to the queue for the next worker, its interrupted attempt counted; a job whose
            // lease ran out is someone else's already.
            var requeued = await _jobs.RequeueJobAsync(job.Id, job.Owner!.Id, job.Fence, "its worker was stopped before the job ended", CancellationToken.None);
            return new JobOutcome(job.Id, spec.Name, JobStatus.Queued, null, attempts, requeued ? "requeued: its worker was stopped" : "another owner has it now",
                findings, logFile, null) { Lost = !requeued };
        }

        string? reportPath = null;
        if (status != JobStatus.Succeeded)
        {
            reportPath = spec.ErrorReport ?? Path.Combine(spec.RepositoryRoot, ".orch", "logs", $"{job.Id}.error.json");
            try
            {
                await WriteErrorReportAsync(reportPath, job, spec, status, last?.ExitCode, attempts, error, findings, logFile, redactor);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A full disk must not keep the result from being recorded.
                error = $"{error} (the error report could not be written: {ex.Message})";
                reportPath = null;
            }
        }

        Emit(new JobFinished(status, last?.ExitCode, attempts.Count, error, reportPath));
        Diagnostics.CrashPoints.Hit(Diagnostics.CrashPoints.AfterProcessExit);
        try
        {
            await CompleteAsync(new JobCompletion
            {
                JobId = job.Id,
                Fence = job.Fence,
                Status = status,
                ExitCode = last?.ExitCode,
                Error = error,
                Attempts = attempts,
                Findings = findings,
                Events = events,
                Costs = costs,
                Phase = spec.Phase,
            }, next);
        }
        catch (JobFencedException)
        {
            // Its lease ran out and another owner runs it: this run of it is not recorded, and the other's result stands.
            return new JobOutcome(job.Id, spec.Name, status, last?.ExitCode, attempts, "another owner has it now; this run was not recorded", findings, logFile, null)
            {
                Lost = true,
            };
        }

        return new JobOutcome(job.Id, spec.Name, status, last?.ExitCode, attempts, error, findings, logFile, reportPath)
        {
            OutputTail = last?.OutputTail ?? "",
            Summary = last?.Summary is { } said ? redactor.Redact(said) : null,
        };

        async ValueTask<ToolResult> RunAttemptAsync(CancellationToken ct)
        {
            var number = attempts.Count + 1;
            var started = _time.GetUtcNow();
            var clock = _time.GetTimestamp();
            Emit(new AttemptStarted(number));
            try
            {
                var result = await adapter.RunAsync(new ToolInvocation
                {
                    JobId = job.Id,
                    Command = spec.Command,
                    UseShell = spec.UseShell,
                    WorkingDirectory = spec.WorkingDirectory,
                    Environment = spec.Environment,
                    FilesInScope = spec.FilesScope,
                    SuccessExitCodes = spec.SuccessExitCodes,
                    Prompt = spec.Prompt,
                    Model = spec.Model,
                    MaxTurns = spec.MaxTurns,
                    Executable = spec.Executable,
                    ResultsDirectory = spec.ResultsDirectory,
                    // The process runner kills at the timeout itself, so the log says "timeout"; Polly's timeout is the backstop.
                    Timeout = spec.Timeout,
                }, runner, ct);
                if (result.Usage is { } usage)
                {
                    var estimated = usage.CostUsd is null ? _prices.Estimate(usage) : null;
                    costs.Add(new CostEntry(number, spec.Tool, usage.Model, usage.InputTokens, usage.CachedTokens, usage.OutputTokens,
                        usage.CostUsd ?? estimated, usage.CostUsd is null && estimated is not null));
                    Emit(new AttemptUsage(number, usage.Model, usage.InputTokens, usage.CachedTokens, usage.OutputTokens, usage.CostUsd ?? estimated));
                }
                var attemptStatus = StatusOf(spec, result);
                Record(number, attemptStatus, result.ExitCode, started, clock, result.Error);
                return result;
            }
            catch (ToolStalledException ex)
            {
                Record(number, JobStatus.Stalled, null, started, clock, $"stalled: {ex.Message}");
                throw;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Record(number, JobStatus.TimedOut, null, started, clock, $"timed out after {spec.Timeout.TotalSeconds:0.###} s");
                throw;
            }
            catch (OperationCanceledException)
            {
                Record(number, JobStatus.Cancelled, null, started, clock, "cancelled");
                throw;
            }
        }

        void Record(int number, JobStatus attemptStatus, int? exitCode, DateTimeOffset started, long clock, string? attemptError)
        {
            var safeError = attemptError is null ? null : redactor.Redact(attemptError);
            attempts.Add(new AttemptRecord(number, attemptStatus, exitCode, started, _time.GetElapsedTime(clock), safeError, nextDelay));
            Emit(new AttemptFinished(number, attemptStatus, exitCode, safeError));
        }

        // Shown live now, committed with the result: a job's events never outlive a lost result, nor the reverse.
        void Emit(OrchEvent evt) => events.Add(_bus.Announce(evt with { RunId = job.RunId, JobId = job.Id }, redactor));
    }

    /// <summary>
    /// A check (judged by its findings, so any exit code counts as having run for retries and the breaker) is still
    /// recorded as failed when it exits non-zero: the tests failed, the linter found something.
    /// </summary>
    private static JobStatus StatusOf(JobSpec spec, ToolResult result) =>
        result.Succeeded ? (spec.SuccessExitCodes.Count == 0 && result.ExitCode is not (0 or null) ? JobStatus.Failed : JobStatus.Succeeded)
        : result.TimedOut ? JobStatus.TimedOut : JobStatus.Failed;

    private async Task WriteErrorReportAsync(string path, JobRecord job, JobSpec spec, JobStatus status, int? exitCode,
        IReadOnlyList<AttemptRecord> attempts, string? error, IReadOnlyList<Finding> findings, string logFile, SecretRedactor redactor)
    {
        var report = new
        {
            job_id = job.Id,
            name = spec.Name,
            tool = spec.Tool,
            status = OrchJson.EnumText(status),
            exit_code = exitCode,
            error,
            attempts = attempts.Select(a => new { number = a.Number, status = OrchJson.EnumText(a.Status), exit_code = a.ExitCode, duration_ms = (long)a.Duration.TotalMilliseconds, error = a.Error }),
            // The log is already redacted line by line.
            output_tail = LogTail.Lines(logFile, 60),
            findings,
            log_file = logFile,
            written_at = _time.GetUtcNow(),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, redactor.Redact(JsonSerializer.Serialize(report, OrchJson.Indented)));
        File.Move(temporary, path, overwrite: true);
    }
}
