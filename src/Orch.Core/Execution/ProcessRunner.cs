using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Text;
using Orch.Abstractions.Adapters;
using Orch.Adapters.Process;
using Orch.Core.Secrets;
using Orch.Core.Storage;

namespace Orch.Core.Execution;

/// <summary>
/// The only place Orch starts a process. Argv arrays only; on Linux each process leads its own session (see
/// <see cref="ChildProcess"/>), so a timeout, a Ctrl-C or the end of the job kills the whole tree, including children that left
/// their parent, and starts with default signal dispositions (.NET ignores SIGPIPE, and an ignored signal stays ignored
/// across exec). Output streams line by line, redacted, to the job's log file, within <see cref="OutputLimits"/>.
/// </summary>
public sealed partial class ProcessRunner : IProcessLauncher
{
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    private readonly string? _logFile;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly Func<ProcessIdentity, Task>? _onStarted;
    private readonly Action<string>? _onOutput;
    private readonly ExitRecord? _exitRecord;
    private readonly TimeSpan? _stallAfter;
    private readonly OutputLimits _limits;
    private readonly TimeSpan? _stopGrace;
    private readonly bool _quietLog;

    /// <param name="onStarted">Told the started process, to record it for recovery; not when the exit ledger holds it already.</param>
    /// <param name="exitRecord">
    /// Where the job's exit code is recorded (by <see cref="Supervisor"/>, else a shell around the job), so a worker that
    /// dies after its job finished does not make it run twice; <see langword="null"/> for none.
    /// </param>
    /// <param name="stallAfter">How long a process may print nothing before it is killed and <see cref="ToolStalledException"/> is thrown; <see langword="null"/> for no limit.</param>
    /// <param name="stopGrace">
    /// When the caller cancels, how long the process's group gets after SIGTERM to stop before SIGKILL: for a child
    /// that stops children of its own in their own sessions (a handed-over workstream's Orch); <see langword="null"/>
    /// to kill at once.
    /// </param>
    /// <param name="quietLog">
    /// Makes <paramref name="logFile"/> only when the process prints something or its exit code is not one of
    /// <see cref="SuccessExitCodes"/> (or an earlier attempt made it): a queue of quiet jobs is spared a file creation per job.
    /// </param>
    public ProcessRunner(string? logFile, SecretRedactor redactor, TimeProvider time, Func<ProcessIdentity, Task>? onStarted = null, Action<string>? onOutput = null,
        ExitRecord? exitRecord = null, TimeSpan? stallAfter = null, OutputLimits? limits = null, TimeSpan? stopGrace = null, bool quietLog = false)
    {
        _quietLog = quietLog;
        _stopGrace = stopGrace;
        _limits = limits ?? OutputLimits.Default;
        _stallAfter = stallAfter;
        _logFile = logFile;
        _redactor = redactor;
        _time = time;
        _onStarted = onStarted;
        _onOutput = onOutput;
        _exitRecord = OperatingSystem.IsWindows() ? null : exitRecord;
    }

    /// <summary>
    /// The exit codes the job counts as success: a deferred log (<c>quietLog</c>) is kept for any exit outside them, since
    /// the job failed, and for none inside them. Empty (the default): 0 alone.
    /// </summary>
    public IReadOnlyCollection<int> SuccessExitCodes { get; init; } = [];

    /// <summary>The worker's job supervisor, which starts a job with an exit record and records its exit; without one, a shell around the job does.</summary>
    internal JobSupervisorClient? Supervisor { get; init; }

    // The whole group, not only its leader: the leader (a shell) may end at once while what it ran is still stopping.
    private async Task<int> StopGracefullyAsync(ChildProcess process, TimeSpan grace)
    {
        var exit = process.WaitForExitAsync(CancellationToken.None);
        var since = _time.GetTimestamp();
        while ((!exit.IsCompleted || ProcessInfo.GroupExists(process.Id)) && _time.GetElapsedTime(since) < grace)
        {
            await Task.WhenAny(exit, Task.Delay(TimeSpan.FromMilliseconds(50), _time, CancellationToken.None));
        }

        process.KillTree();
        return await exit;
    }

    public async ValueTask<ProcessOutcome> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var environment = request.Environment.ToDictionary(kv => kv.Key, kv => ExpandReferences(kv.Value), StringComparer.Ordinal);
        var executable = ExecutableLocator.Find(request.Argv[0], request.WorkingDirectory,
            environment.TryGetValue("PATH", out var path) ? path : null);
        if (!Directory.Exists(request.WorkingDirectory))
        {
            return Failed($"working directory '{request.WorkingDirectory}' does not exist");
        }

        if (executable is null)
        {
            return Failed($"executable '{request.Argv[0]}' was not found on PATH; install it or give its full path");
        }

        using var log = new JobLog(_logFile, _limits, $"$ {_redactor.Redact(string.Join(' ', request.Argv.Select(Quote)))}", deferred: _quietLog);

        ChildProcess process;
        try
        {
            process = await StartAsync([executable, .. request.Argv.Skip(1)], request.WorkingDirectory, environment, request.StandardInput is not null, cancellationToken);
        }
        catch (ChildStartException ex)
        {
            return Failed($"could not start '{request.Argv[0]}': {ex.Message}");
        }

        using var owned = process;
        var identity = new ProcessIdentity(process.Id, process.StartTicks ?? ProcessInfo.StartTicks(process.Id));
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var lastOutput = new StrongBox<long>(_time.GetTimestamp());
        var readers = Task.WhenAll(
            PumpAsync(process.StandardOutput, stdout, log, "", lastOutput),
            PumpAsync(process.StandardError, stderr, log, "[stderr] ", lastOutput));

        using var timeout = request.Timeout is { } limit ? new CancellationTokenSource(limit, _time) : new CancellationTokenSource();
        using var stall = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, stall.Token);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
        int exitCode;
        var watchdog = _stallAfter is { } quiet ? WatchAsync(quiet, lastOutput, stall, watching.Token) : Task.CompletedTask;
        try
        {
            if (_onStarted is not null && !process.StartInLedger)
            {
                await _onStarted(identity);
            }

            await WriteInputAsync(process.StandardInput, request.StandardInput);
            exitCode = await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            if (_stopGrace is { } grace && cancellationToken.IsCancellationRequested && process.LeadsGroup && ProcessInfo.TerminateGroup(process.Id))
            {
                exitCode = await StopGracefullyAsync(process, grace);
            }
            else
            {
                process.KillTree();
                exitCode = await process.WaitForExitAsync(CancellationToken.None);
            }
        }
        finally
        {
            await watching.CancelAsync();
            await watchdog;
            // Whatever the job left running in its session dies with it.
            if (process.LeadsGroup)
            {
                ProcessInfo.KillGroup(process.Id);
            }
        }

        // The output normally ends with the process: the grace's timer goes with it rather than waiting out its time.
        using (var drained = new CancellationTokenSource())
        {
            var grace = Task.Delay(DrainGrace, _time, drained.Token);
            await Task.WhenAny(readers, grace);
            await drained.CancelAsync();
        }
        var duration = _time.GetElapsedTime(started);
        var timedOut = timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        var stalled = stall.IsCancellationRequested && !timedOut && !cancellationToken.IsCancellationRequested;
        var killed = timedOut || stalled || cancellationToken.IsCancellationRequested;
        var failedByCode = SuccessExitCodes.Count > 0 ? !SuccessExitCodes.Contains(exitCode) : exitCode != 0;
        log.Finish(timedOut ? $"# killed after {request.Timeout!.Value.TotalSeconds:0.###} s (timeout)" :
            stalled ? $"# killed after {_stallAfter!.Value.TotalSeconds:0.###} s without output (stalled)" :
            cancellationToken.IsCancellationRequested ? "# killed (cancelled)" : $"# exit code {exitCode}", keep: killed || failedByCode);
        cancellationToken.ThrowIfCancellationRequested();
        if (stalled)
        {
            throw new ToolStalledException(_stallAfter!.Value);
        }

        return new ProcessOutcome(timedOut ? null : exitCode, timedOut, Snapshot(stdout), Snapshot(stderr), duration);

        ProcessOutcome Failed(string reason)
        {
            using var failedLog = new JobLog(_logFile, _limits);
            failedLog.WriteLine($"# {reason}");
            return new ProcessOutcome(null, false, "", "", _time.GetElapsedTime(started), reason);
        }
    }

    // A job whose exit must outlive a killed worker is started by the worker's supervisor, or else inside a shell that records it.
    private async Task<ChildProcess> StartAsync(List<string> argv, string workingDirectory, IReadOnlyDictionary<string, string> environment, bool withInput,
        CancellationToken cancellationToken)
    {
        if (_exitRecord is null)
        {
            return ChildProcess.Start(argv, workingDirectory, environment);
        }

        if (Supervisor is not null && await Supervisor.StartAsync(argv, workingDirectory, environment, _exitRecord, withInput, cancellationToken) is { } supervised)
        {
            return supervised;
        }

        return ChildProcess.Start(["/bin/sh", "-c", ExitLedger.Script, "orch-job", _exitRecord.Ledger, _exitRecord.Key, .. argv], workingDirectory, environment);
    }

    /// <summary>Cancels <paramref name="stall"/> once no output line came for <paramref name="quiet"/>.</summary>
    private async Task WatchAsync(TimeSpan quiet, StrongBox<long> lastOutput, CancellationTokenSource stall, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var idle = _time.GetElapsedTime(Interlocked.Read(ref lastOutput.Value));
            if (idle >= quiet)
            {
                await stall.CancelAsync();
                return;
            }

            // The process's end cancels the wait: seen without an exception, once per job.
            await Task.Delay(quiet - idle + TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task WriteInputAsync(Stream stdin, string? input)
    {
        try
        {
            if (input is not null)
            {
                await stdin.WriteAsync(Encoding.UTF8.GetBytes(input));
            }

            stdin.Close();
        }
        catch (IOException)
        {
            // The process exited without reading its input; that is its business.
        }
    }

    /// <summary>
    /// Reads output in chunks, never a whole line at once: a line longer than <see cref="OutputLimits.MaxLineChars"/> is
    /// cut, and the rest of it is counted and dropped as it arrives, so memory stays bounded whatever the tool prints.
    /// </summary>
    private async Task PumpAsync(StreamReader reader, StringBuilder capture, JobLog log, string prefix, StrongBox<long> lastOutput)
    {
        // Rented: two per job, and a queue of quiet jobs would otherwise allocate 32 KB a job for nothing.
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(8192);
        var line = new StringBuilder();
        long dropped = 0;
        var afterCr = false;
        var showing = true;
        int read;
        try
        {
            while ((read = await reader.ReadAsync(buffer.AsMemory(0, 8192))) > 0)
            {
                Interlocked.Exchange(ref lastOutput.Value, _time.GetTimestamp());
                var start = 0;
                for (var i = 0; i < read; i++)
                {
                    var c = buffer[i];
                    if (c is not ('\n' or '\r'))
                    {
                        afterCr = false;
                        continue;
                    }

                    // "\r\n" ends one line, and so does a lone "\r" (progress bars), as ReadLine treats them.
                    if (c == '\n' && afterCr && i == start)
                    {
                        afterCr = false;
                        start = i + 1;
                        continue;
                    }

                    Append(i - start, start);
                    Emit();
                    afterCr = c == '\r';
                    start = i + 1;
                }

                Append(read - start, start);
            }

            if (line.Length > 0 || dropped > 0)
            {
                Emit();
            }
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }

        void Append(int count, int from)
        {
            var take = Math.Min(Math.Max(0, _limits.MaxLineChars - line.Length), count);
            line.Append(buffer, from, take);
            dropped += count - take;
        }

        void Emit()
        {
            var redacted = _redactor.Redact(line.ToString());
            if (dropped > 0)
            {
                redacted += $" … [{dropped:N0} more characters of this line dropped]";
            }

            line.Clear();
            dropped = 0;
            lock (capture)
            {
                if (capture.Length < _limits.MaxCapturedChars)
                {
                    capture.Append(redacted).Append('\n');
                }
            }

            log.WriteLine(prefix + redacted);
            if (showing && _onOutput is not null)
            {
                try
                {
                    _onOutput(redacted);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException)
                {
                    // Orch's own output went away (a closed pipe); the pipes from the child must still be drained.
                    showing = false;
                }
            }
        }
    }

    private static string Snapshot(StringBuilder capture)
    {
        lock (capture)
        {
            return capture.ToString();
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? argument : $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>Expands <c>${NAME}</c> from Orch's own environment, so job files can name secrets without holding them.</summary>
    public static string ExpandReferences(string value) =>
        Reference().Replace(value, m => Environment.GetEnvironmentVariable(m.Groups[1].Value) ?? "");

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();
}
