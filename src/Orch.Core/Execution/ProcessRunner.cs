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

        // On a worker slot's own thread, the slot's supervisor starts the job and this thread waits for it itself.
        if (_exitRecord is not null && request.StandardInput is null && SupervisorChannel.Current is { Usable: true } slot)
        {
            try
            {
                if (RunOnSlot(slot, [executable, .. request.Argv.Skip(1)], request, environment, log, started, cancellationToken) is { } outcome)
                {
                    return outcome;
                }
            }
            catch (ChildStartException ex)
            {
                return Failed($"could not start '{request.Argv[0]}': {ex.Message}");
            }
        }

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
        var timedOut = timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        var stalled = stall.IsCancellationRequested && !timedOut && !cancellationToken.IsCancellationRequested;
        return Conclude(request, log, exitCode, timedOut, stalled, stdout, stderr, started, cancellationToken);

        ProcessOutcome Failed(string reason)
        {
            using var failedLog = new JobLog(_logFile, _limits);
            failedLog.WriteLine($"# {reason}");
            return new ProcessOutcome(null, false, "", "", _time.GetElapsedTime(started), reason);
        }
    }

    // How a run ends, whichever way it was waited for: the log's last line, and the outcome or the exception that says it.
    private ProcessOutcome Conclude(ProcessRequest request, JobLog log, int exitCode, bool timedOut, bool stalled, StringBuilder stdout, StringBuilder stderr,
        long started, CancellationToken cancellationToken)
    {
        var duration = _time.GetElapsedTime(started);
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
    }

    /// <summary>
    /// Runs the job through the worker's supervisor and waits for it on this slot's thread: one poll of the supervisor's
    /// answers, the job's output and error, and the slot's waker (a cancellation), with the timeout, the stall limit and
    /// a graceful stop as the poll's time limits. The same job, log, limits and ending as the other way, without a
    /// thread or a task between the job's end and the caller. <see langword="null"/> when the supervisor is gone before
    /// the job started: the caller starts it the other way.
    /// </summary>
    private ProcessOutcome? RunOnSlot(SupervisorChannel slot, List<string> argv, ProcessRequest request, Dictionary<string, string> environment, JobLog log,
        long started, CancellationToken cancellationToken)
    {
        var pipes = new[] { -1, -1, -1, -1 };
        SupervisorChannel.Started? job = null;
        try
        {
            unsafe
            {
                fixed (int* fds = pipes)
                {
                    if (SpawnedChild.Pipe2(fds, SpawnedChild.CloseOnExec) != 0 || SpawnedChild.Pipe2(fds + 2, SpawnedChild.CloseOnExec) != 0)
                    {
                        throw new ChildStartException(System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(System.Runtime.InteropServices.Marshal.GetLastPInvokeError()));
                    }
                }
            }

            job = slot.Start(argv, request.WorkingDirectory, ChildProcess.Entries(environment), _exitRecord!, pipes[1], pipes[3]);
        }
        finally
        {
            // The supervisor holds its own copies once it has answered; the job's output ends when the job's copies close.
            for (var i = 0; i < 4; i++)
            {
                if (pipes[i] >= 0 && (i % 2 == 1 || job is null))
                {
                    _ = SpawnedChild.Close(pipes[i]);
                    pipes[i] = -1;
                }
            }
        }

        if (job is null)
        {
            return null;
        }

        var pid = job.ProcessId;
        if (_onStarted is not null && !job.InLedger)
        {
            // Not waited for: this thread waits for the job, and the write finishes on it later if the store is busy now.
            _ = _onStarted(new ProcessIdentity(pid, job.StartTicks != 0 ? job.StartTicks : ProcessInfo.StartTicks(pid)));
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var streams = new[] { new SlotStream(pipes[0], Lines(stdout, log, "")), new SlotStream(pipes[2], Lines(stderr, log, "[stderr] ")) };
        int? exitCode = null;
        bool timedOut = false, stalled = false, stopping = false;
        long? graceSince = null, drainSince = null;
        var lastOutput = _time.GetTimestamp();
        Span<int> descriptors = stackalloc int[4];
        Span<bool> ready = stackalloc bool[4];
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            using var wake = cancellationToken.Register(static state => ((SupervisorChannel)state!).Wake(), slot);
            while (exitCode is null || streams.Any(s => s.Open))
            {
                if (exitCode is not null && drainSince is { } since && _time.GetElapsedTime(since) >= DrainGrace)
                {
                    break;
                }

                var wait = -1L;
                if (!stopping && exitCode is null)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        stopping = true;
                        if (_stopGrace is not null && ProcessInfo.TerminateGroup(pid))
                        {
                            graceSince = _time.GetTimestamp();
                        }
                        else
                        {
                            ProcessInfo.KillGroup(pid);
                        }
                    }
                    else if (request.Timeout is { } limit && Left(limit, started) is var timeLeft && timeLeft <= 0)
                    {
                        stopping = timedOut = true;
                        ProcessInfo.KillGroup(pid);
                    }
                    else if (_stallAfter is { } quiet && Left(quiet, lastOutput) is var quietLeft && quietLeft <= 0)
                    {
                        stopping = stalled = true;
                        ProcessInfo.KillGroup(pid);
                    }
                    else
                    {
                        wait = Min(request.Timeout is { } t ? Left(t, started) : -1, _stallAfter is { } q ? Left(q, lastOutput) : -1);
                    }
                }

                if (graceSince is { } stopped)
                {
                    // A graceful stop ends when the process and its whole group are gone, or at the grace's end.
                    if ((exitCode is not null && !ProcessInfo.GroupExists(pid)) || Left(_stopGrace!.Value, stopped) <= 0)
                    {
                        ProcessInfo.KillGroup(pid);
                        graceSince = null;
                    }
                    else
                    {
                        wait = Min(wait, 50);
                    }
                }

                if (drainSince is { } draining)
                {
                    wait = Min(wait, Math.Max(0, Left(DrainGrace, draining)));
                }

                if (exitCode is null && slot.TakeExit(job.Id, read: false) is { } early)
                {
                    // Read with the start: the job ended before this thread looked.
                    exitCode = early;
                    drainSince = _time.GetTimestamp();
                    ProcessInfo.KillGroup(pid);
                    wait = 0;
                }

                // Once the exit is known, nothing more comes from the supervisor for this job (and its end would wake the poll at once).
                descriptors[0] = exitCode is null ? slot.Replies : -1;
                descriptors[1] = streams[0].Open ? streams[0].Descriptor : -1;
                descriptors[2] = streams[1].Open ? streams[1].Descriptor : -1;
                descriptors[3] = slot.Waker;
                SupervisorChannel.Poll(descriptors, ready, (int)Math.Min(wait, int.MaxValue));
                if (ready[3])
                {
                    slot.ClearWake();
                }

                for (var i = 0; i < 2; i++)
                {
                    if (ready[i + 1] && streams[i].Pump(bytes))
                    {
                        lastOutput = _time.GetTimestamp();
                    }
                }

                if (exitCode is null && slot.TakeExit(job.Id, read: ready[0]) is { } code)
                {
                    exitCode = code;
                    drainSince = _time.GetTimestamp();
                    // Whatever the job left running in its session dies with it.
                    ProcessInfo.KillGroup(pid);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The supervisor is gone: what it ran is no longer watched, so it is killed, and the job fails as the other way.
            ProcessInfo.KillGroup(pid);
            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
            slot.EndJob();
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }

        return Conclude(request, log, exitCode!.Value, timedOut, stalled, stdout, stderr, started, cancellationToken);

        long Left(TimeSpan limit, long since) => (long)Math.Ceiling((limit - _time.GetElapsedTime(since)).TotalMilliseconds);

        static long Min(long a, long b) => a < 0 ? b : b < 0 ? a : Math.Min(a, b);
    }

    /// <summary>One of a job's output pipes read on the slot's thread: bytes to text (UTF-8, split characters kept whole) to lines.</summary>
    private sealed class SlotStream(int descriptor, OutputLines lines) : IDisposable
    {
        private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetDecoder();
        private readonly char[] _chars = new char[8192 + 4];
        private bool _started;

        public int Descriptor { get; private set; } = descriptor;

        public bool Open => Descriptor >= 0;

        /// <summary>Reads what is there; true when it was output, false at its end (which closes it).</summary>
        public bool Pump(byte[] buffer)
        {
            var read = SupervisorChannel.ReadSome(Descriptor, buffer.AsSpan(0, 8192));
            if (read < 0)
            {
                return false;
            }

            if (read == 0)
            {
                var tail = _decoder.GetChars([], 0, 0, _chars, 0, flush: true);
                lines.Feed(_chars.AsSpan(0, tail));
                lines.Finish();
                Dispose();
                return false;
            }

            var from = 0;
            if (!_started)
            {
                // A byte order mark is not output, as StreamReader drops it.
                _started = true;
                from = read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            }

            var count = _decoder.GetChars(buffer, from, read - from, _chars, 0, flush: false);
            lines.Feed(_chars.AsSpan(0, count));
            return true;
        }

        public void Dispose()
        {
            if (Descriptor >= 0)
            {
                _ = SpawnedChild.Close(Descriptor);
                Descriptor = -1;
            }
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
    /// Reads output in chunks, never a whole line at once (<see cref="OutputLines"/>): memory stays bounded whatever the
    /// tool prints.
    /// </summary>
    private async Task PumpAsync(StreamReader reader, StringBuilder capture, JobLog log, string prefix, StrongBox<long> lastOutput)
    {
        // Rented: two per job, and a queue of quiet jobs would otherwise allocate 32 KB a job for nothing.
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(8192);
        var lines = Lines(capture, log, prefix);
        int read;
        try
        {
            while ((read = await reader.ReadAsync(buffer.AsMemory(0, 8192))) > 0)
            {
                Interlocked.Exchange(ref lastOutput.Value, _time.GetTimestamp());
                lines.Feed(buffer.AsSpan(0, read));
            }

            lines.Finish();
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }

    // One stream's lines: redacted, noted when cut, kept within the capture's limit, logged and shown.
    private OutputLines Lines(StringBuilder capture, JobLog log, string prefix)
    {
        var showing = true;
        return new OutputLines(_limits.MaxLineChars, (line, dropped) =>
        {
            var redacted = _redactor.Redact(line);
            if (dropped > 0)
            {
                redacted += $" … [{dropped:N0} more characters of this line dropped]";
            }

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
        });
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
