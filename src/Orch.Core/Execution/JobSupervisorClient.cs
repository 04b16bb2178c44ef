using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Orch.Core.Execution;

/// <summary>
/// A worker's side of its <see cref="JobSupervisor"/>: starts it at the first queued job, hands it each job with the
/// job's pipes, and hears each job's start and exit. When the supervisor cannot start, or has died, jobs go back to a
/// shell around each (<see cref="ExitLedger.Script"/>), which keeps the same promise at a higher cost.
/// </summary>
internal sealed class JobSupervisorClient : IAsyncDisposable
{
    private static readonly TimeSpan EndGrace = TimeSpan.FromSeconds(2);

    private readonly IReadOnlyList<string> _command;
    private readonly object _gate = new();
    private Dictionary<string, string>? _environment;
    private string[]? _environmentSecrets;
    private Secrets.SecretRedactor? _environmentRedactor;
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly Queue<string> _lastErrors = new();
    private SpawnedChild? _supervisor;
    private Task _replies = Task.CompletedTask;
    private Task _errors = Task.CompletedTask;
    private long _nextId;
    private bool _unusable;

    /// <param name="command">How to start Orch's executable; <see cref="JobSupervisor.Argument"/> and this process's pid are added.</param>
    public JobSupervisorClient(IReadOnlyList<string> command) => _command = command;

    /// <summary>The supervisor's pid, once it runs.</summary>
    public int? ProcessId => _supervisor?.Id;

    /// <summary>
    /// The secret values (by name or shape) of the environment its jobs start from: this process's, as it was when the
    /// supervisor was started or this was first asked, whichever came first.
    /// </summary>
    public IReadOnlyList<string> EnvironmentSecrets
    {
        get
        {
            lock (_gate)
            {
                return _environmentSecrets ??= Secrets.SecretRedactor.SecretValues(Snapshot());
            }
        }
    }

    /// <summary>What to hide while a job without variables of its own runs: the secrets of <see cref="EnvironmentSecrets"/>.</summary>
    public Secrets.SecretRedactor EnvironmentRedactor
    {
        get
        {
            var secrets = EnvironmentSecrets;
            lock (_gate)
            {
                return _environmentRedactor ??= new Secrets.SecretRedactor(secrets);
            }
        }
    }

    /// <summary>
    /// Starts the supervisor now, if it is not running, without waiting for it: a worker that has claimed its first job
    /// overlaps the supervisor's start with its own preparation of the job.
    /// </summary>
    public void Prestart() => EnsureStarted(out _);

    /// <summary>A channel to this supervisor for one worker slot, which waits for its jobs on its own thread (<see cref="SupervisorChannel"/>).</summary>
    public SupervisorChannel NewChannel() => new(this);

    /// <summary>False once the supervisor could not start or has gone: jobs start the other way.</summary>
    internal bool Usable
    {
        get
        {
            lock (_gate)
            {
                return !_unusable;
            }
        }
    }

    /// <summary>The next request's id; shared with the slots' channels, so answers on standard output name no slot's job.</summary>
    internal long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Starts the supervisor if need be and sends it <paramref name="request"/>; false when there is none to take it.</summary>
    internal bool Send(byte[] request)
    {
        if (!EnsureStarted(out var supervisor))
        {
            return false;
        }

        try
        {
            lock (_gate)
            {
                supervisor.StandardInput.Write(request);
                supervisor.StandardInput.Flush();
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            MarkUnusable();
            return false;
        }
    }

    /// <summary>Why the supervisor ended, as far as it said: waits a moment for its last words once it has gone.</summary>
    internal string EndReason()
    {
        try
        {
            Task.WhenAll(_replies, _errors).Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }

        return $"Orch's job supervisor (pid {_supervisor?.Id}) ended before the job did{LastErrors()}";
    }

    // Taken once: the supervisor is started with it and passes it on to every job, so the jobs' redaction matches it.
    private Dictionary<string, string> Snapshot() => _environment ??= ChildProcess.CurrentEnvironment();

    /// <summary>
    /// Starts <paramref name="argv"/> under the supervisor with <paramref name="environment"/> set over the environment the
    /// supervisor started with, its exit recorded under <paramref name="exit"/>; <see langword="null"/> when there is no
    /// supervisor to start it, so the caller starts the job itself. Without <paramref name="withInput"/>, the job reads
    /// <c>/dev/null</c>, as it would read a pipe closed at once, and one pipe is spared.
    /// </summary>
    /// <exception cref="ChildStartException">The job could not be started.</exception>
    public async Task<ChildProcess?> StartAsync(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyDictionary<string, string> environment, ExitRecord exit,
        bool withInput, CancellationToken cancellationToken)
    {
        if (!EnsureStarted(out var supervisor))
        {
            return null;
        }

        var pipes = new[] { -1, -1, -1, -1, -1, -1 };
        var id = Interlocked.Increment(ref _nextId);
        var pending = new Pending();
        try
        {
            MakePipes(pipes, withInput);
            var request = new JobSupervisor.Request(id, exit.Ledger, exit.Key, workingDirectory, pipes[0], pipes[3], pipes[5], -1, argv,
                ChildProcess.Entries(environment)).Encode();
            _pending[id] = pending;
            try
            {
                lock (_gate)
                {
                    supervisor.StandardInput.Write(request);
                    supervisor.StandardInput.Flush();
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // It died before it took the job: this job, and the next, start the other way.
                _pending.TryRemove(id, out _);
                MarkUnusable();
                return null;
            }

            // Its copies of the job's ends are open once it answers; the job's output ends when the job's copies close.
            Started started;
            try
            {
                started = await pending.Started.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Stopped before it heard the job start: a job that starts now dies at once.
                _ = pending.Started.Task.ContinueWith(task => ProcessInfo.KillGroup(task.Result.Pid), CancellationToken.None,
                    TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                throw;
            }

            // Spawned as SpawnedChild spawns, in a session of its own; its exit comes from the supervisor.
            var child = new SpawnedChild(started.Pid, pipes[1], pipes[2], pipes[4], pending.Exit.Task)
            {
                StartTicks = started.Ticks,
                StartInLedger = started.Ledgered,
            };
            pipes[1] = pipes[2] = pipes[4] = -1;
            return child;
        }
        finally
        {
            for (var i = 0; i < 6; i++)
            {
                if (pipes[i] >= 0)
                {
                    _ = SpawnedChild.Close(pipes[i]);
                }
            }
        }
    }

    // Three pipes, close-on-exec, so no other child inherits them: the job's input, output and error; without input,
    // the first stays -1, which the supervisor reads as /dev/null.
    private static unsafe void MakePipes(int[] pipes, bool withInput)
    {
        fixed (int* fds = pipes)
        {
            for (var i = withInput ? 0 : 1; i < 3; i++)
            {
                if (SpawnedChild.Pipe2(fds + 2 * i, SpawnedChild.CloseOnExec) != 0)
                {
                    throw new ChildStartException(Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
                }
            }
        }
    }

    private bool EnsureStarted(out SpawnedChild supervisor)
    {
        lock (_gate)
        {
            supervisor = _supervisor!;
            if (_unusable)
            {
                return false;
            }

            if (_supervisor is not null)
            {
                return true;
            }

            try
            {
                // The supervisor alone runs with SupervisorEnvironment; it undoes that for its jobs, as the arguments after the pid say.
                var environment = Snapshot();
                var restore = SupervisorEnvironment.Keys.Select(name => environment.TryGetValue(name, out var value) ? $"{name}={value}" : name);
                var started = SpawnedChild.TryStart([.. _command, JobSupervisor.Argument, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), .. restore],
                    Path.GetPathRoot(Environment.CurrentDirectory) ?? "/", ChildProcess.Entries(environment, SupervisorEnvironment));
                if (started is null)
                {
                    _unusable = true;
                    return false;
                }

                _supervisor = supervisor = started;
            }
            catch (ChildStartException)
            {
                _unusable = true;
                return false;
            }

            // Nothing is written to it before a request; its stdin stays open until the worker is done.
            var running = supervisor;
            // A thread of its own, blocked in read(): an answer wakes it directly, not through the runtime's poller and a pool hop.
            var replies = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _replies = replies.Task;
            new Thread(() =>
            {
                ReadReplies(running);
                replies.SetResult();
            }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "orch supervisor replies" }.Start();
            _errors = Task.Run(() => ReadErrorsAsync(running));
            return true;
        }
    }

    // The supervisor's few hot methods are compiled fully once, at their first call. Tiered, they were call-counted and
    // compiled again during the run: a tenth of the CPU of 1,000 trivial queued jobs (build/bench.sh row 1). A job
    // does not inherit this: the supervisor takes it out of the environment it passes on.
    private static readonly Dictionary<string, string> SupervisorEnvironment = new(StringComparer.Ordinal) { ["DOTNET_TieredCompilation"] = "0" };

    private void ReadReplies(SpawnedChild supervisor)
    {
        try
        {
            while (supervisor.StandardOutput.ReadLine() is { } line)
            {
                var parts = line.Split(' ', 3);
                if (parts.Length < 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    continue;
                }

                switch (parts[0])
                {
                    case "S" when _pending.TryGetValue(id, out var pending) && ParseStarted(parts[2]) is { } started:
                        pending.Started.TrySetResult(started);
                        break;
                    case "X" when _pending.TryRemove(id, out var refused):
                        refused.Started.TrySetException(new ChildStartException(parts[2]));
                        break;
                    case "E" when _pending.TryRemove(id, out var ended) && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var code):
                        ended.Exit.TrySetResult(code);
                        break;
                }
            }
        }
        catch (IOException)
        {
        }

        // It is gone: what it was running is no longer watched, so those jobs fail and their process trees are killed.
        MarkUnusable();
        var reason = new InvalidOperationException($"Orch's job supervisor (pid {supervisor.Id}) ended before the job did{LastErrors()}");
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var orphan))
            {
                orphan.Started.TrySetException(new ChildStartException(reason.Message));
                orphan.Exit.TrySetException(reason);
            }
        }
    }

    // PID TICKS LEDGERED
    private static Started? ParseStarted(string text) =>
        text.Split(' ') is [var pid, var ticks, var ledgered]
        && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new Started(id, start, ledgered == "1") : null;

    private async Task ReadErrorsAsync(SpawnedChild supervisor)
    {
        try
        {
            while (await supervisor.StandardError.ReadLineAsync() is { } line)
            {
                lock (_lastErrors)
                {
                    _lastErrors.Enqueue(line);
                    if (_lastErrors.Count > 5)
                    {
                        _lastErrors.Dequeue();
                    }
                }
            }
        }
        catch (IOException)
        {
        }
    }

    private string LastErrors()
    {
        lock (_lastErrors)
        {
            return _lastErrors.Count == 0 ? "" : $": {string.Join(" / ", _lastErrors)}";
        }
    }

    private void MarkUnusable()
    {
        lock (_gate)
        {
            _unusable = true;
        }
    }

    /// <summary>Closes the supervisor's input, so it ends once its last job has, and waits a moment for that.</summary>
    public async ValueTask DisposeAsync()
    {
        SpawnedChild? supervisor;
        lock (_gate)
        {
            supervisor = _supervisor;
            _unusable = true;
        }

        if (supervisor is null)
        {
            return;
        }

        try
        {
            supervisor.StandardInput.Dispose();
            await supervisor.WaitForExitAsync(CancellationToken.None).WaitAsync(EndGrace);
            await Task.WhenAll(_replies, _errors).WaitAsync(EndGrace);
        }
        catch (TimeoutException)
        {
            // A job it still waits for outlives this worker; the supervisor records it and ends after it.
        }
        finally
        {
            supervisor.Dispose();
        }
    }

    private sealed record Started(int Pid, long Ticks, bool Ledgered);

    private sealed class Pending
    {
        // Its continuation runs on the reply reader, up to the job's first wait (its output, its exit): a thread hop less
        // per job. The exit's continuation records the result, so it goes to the pool, not the reader.
        public TaskCompletionSource<Started> Started { get; } = new();

        public TaskCompletionSource<int> Exit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
