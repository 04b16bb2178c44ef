using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Orch.Core.Storage;

namespace Orch.Core.Execution;

/// <summary>
/// The process that starts a worker's queued jobs and collects their exits, one per worker, in place of a shell around
/// each job (an exec and a dynamic link per job, about half a millisecond). It leads a session of its own, so it
/// outlives a worker that is killed: like that shell, it appends each job's exit code to the job's exit ledger before it
/// tells the worker, so a job that finished is completed from the ledger and never runs twice. It ends once the worker
/// has closed its input (or died) and its last job has ended.
/// </summary>
/// <remarks>
/// <para>
/// The worker writes one request per job to its standard input: the fields below, each ended by a NUL byte. It makes
/// the job's pipes itself and passes their numbers; the supervisor opens them through <c>/proc/WORKER/fd</c>, so the
/// worker reads the job's output directly. A job's environment is the supervisor's own, as the worker started it, with
/// the request's variables set over it: the worker sends a job's own variables only, not its whole environment.
/// </para>
/// <code>ID LEDGER KEY DIRECTORY STDIN STDOUT STDERR REPLY ARGC ARGV... ENVC NAME=VALUE...</code>
/// <para>
/// A STDIN of -1 gives the job <c>/dev/null</c>. A REPLY of -1 sends the job's answers to the supervisor's standard
/// output; otherwise to that descriptor of the worker's, a pipe the worker made for this job alone (a worker slot that
/// waits for its job on its own thread, <see cref="SupervisorChannel"/>), closed once the exit is written, so that its
/// end tells that worker the supervisor has answered all it will.
/// </para>
/// <para>
/// It answers on its standard output, one line each: <c>S ID PID TICKS LEDGERED</c> (started; the process's start time,
/// and 1 when its start line is in the ledger), <c>X ID REASON</c> (could not start), and <c>E ID CODE</c> (ended, after
/// the ledger line was written; CODE is 128 + the signal for a killed job).
/// </para>
/// </remarks>
public static unsafe partial class JobSupervisor
{
    /// <summary>The argument that makes Orch's executable run as a job supervisor for the worker whose pid follows it.</summary>
    public const string Argument = "--orch-job-supervisor";

    private const int ReadOnlyAccess = 0, WriteOnlyAccess = 1; // O_RDONLY, O_WRONLY

    /// <summary>
    /// Serves the worker <paramref name="workerPid"/> on standard input and output until both are done; returns the exit
    /// code. <paramref name="restore"/> undoes, for the jobs, what the worker set in the supervisor's environment for the
    /// supervisor alone: <c>NAME</c> removes a variable, <c>NAME=VALUE</c> puts the worker's value back.
    /// </summary>
    public static int Run(int workerPid, IReadOnlyList<string> restore)
    {
        using var input = new BufferedStream(new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, 1), 1 << 16);
        using var output = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1);
        var state = new State(output, JobVariables(restore));
        var reaper = new Thread(() => Reap(state), maxStackSize: 256 * 1024) { Name = "orch reaper" };
        reaper.Start();
        var starters = new Starters(request => Start(state, workerPid, request));
        try
        {
            while (Request.Read(input) is { } request)
            {
                starters.Add(request);
            }
        }
        catch (FormatException ex)
        {
            // Its standard error is read by the worker, which names it when the supervisor is gone.
            using var error = new FileStream(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, 1);
            error.Write(Encoding.UTF8.GetBytes($"orch job supervisor: {ex.Message}\n"));
        }
        finally
        {
            // The worker closed its end, or died: no new jobs once those asked for have started; the running ones are
            // still recorded as they end.
            starters.Finish();
            lock (state.Gate)
            {
                state.Closing = true;
                Monitor.PulseAll(state.Gate);
            }

            reaper.Join();
            foreach (var ledger in state.Ledgers.Values)
            {
                ledger.Dispose();
            }
        }

        return 0;
    }

    private static void Start(State state, int workerPid, Request request)
    {
        var fds = stackalloc int[3] { -1, -1, -1 };
        var reply = -1;
        try
        {
            reply = request.Reply < 0 ? -1 : OpenWorkerDescriptor(workerPid, request.Reply, WriteOnlyAccess);
            // Most jobs read /dev/null: the supervisor's one descriptor of it serves them all.
            fds[0] = request.Input < 0 ? state.Null() : OpenWorkerDescriptor(workerPid, request.Input, ReadOnlyAccess);
            fds[1] = OpenWorkerDescriptor(workerPid, request.Output, WriteOnlyAccess);
            fds[2] = OpenWorkerDescriptor(workerPid, request.Error, WriteOnlyAccess);
            var ledger = LedgerFor(state, request.Ledger);
            var environment = request.Environment.Count == 0 ? state.Environment : ChildProcess.Entries(state.Variables, request.Environment.Select(Variable));
            // Outside the gate, so that two slots' jobs start at once and an exit is not told late for a start. Register and
            // answer as one step: the reaper collects a job only once it is registered (it waits for a zombie it does
            // not know yet), so the worker always hears of a start before its exit, and the ledger has its start first.
            var pid = SpawnedChild.SpawnWith(request.Argv, request.Directory, environment, fds[0], fds[1], fds[2]);
            Diagnostics.PausePoints.Hit(Diagnostics.PausePoints.BeforeSupervisorRegisters);
            lock (state.Gate)
            {
                // Registered first: whatever fails after, the reaper still collects it and the worker hears of its end.
                state.Children[pid] = new Child(request.Id, request.Key, ledger, reply);
                var answerTo = reply;
                reply = -1;
                var process = new ProcessIdentity(pid, ProcessInfo.StartTicks(pid));
                // Before the answer: a worker killed once it has heard of the start leaves the process here. No start time
                // (its /proc entry unreadable) or a full disk leave it to the worker, which then records it in the database.
                var ledgered = process.StartTicks != 0 && TryAppend(ledger, ExitLedger.StartedLine(request.Key, process));
                state.Reply(answerTo, string.Create(CultureInfo.InvariantCulture, $"S {request.Id} {pid} {process.StartTicks} {(ledgered ? 1 : 0)}"));
                Monitor.PulseAll(state.Gate);
            }

        }
        catch (Exception ex) when (ex is ChildStartException or IOException or UnauthorizedAccessException or EntryPointNotFoundException)
        {
            state.Reply(reply, string.Create(CultureInfo.InvariantCulture, $"X {request.Id} {ex.Message.ReplaceLineEndings(" ")}"));
        }
        finally
        {
            if (reply >= 0)
            {
                _ = SpawnedChild.Close(reply);
            }

            for (var i = request.Input < 0 ? 1 : 0; i < 3; i++)
            {
                if (fds[i] >= 0)
                {
                    _ = SpawnedChild.Close(fds[i]);
                }
            }
        }
    }

    private static void Reap(State state)
    {
        var info = stackalloc byte[SignalInfoBytes];
        while (true)
        {
            // Looks without collecting: a job whose start is not registered yet stays a zombie until it is.
            if (SpawnedChild.WaitId(AnyChild, 0, info, Exited | NoWait) == 0)
            {
                var pid = *(int*)(info + SignalInfoPid);
                Child? child = null;
                var code = 0;
                lock (state.Gate)
                {
                    while (!state.Children.ContainsKey(pid) && Zombie(pid))
                    {
                        // Its starter is between posix_spawn and registering it.
                        Monitor.Wait(state.Gate, TimeSpan.FromMilliseconds(10));
                    }

                    if (state.Children.Remove(pid, out child) && Collect(pid) is { } status)
                    {
                        // Under the gate, as the start lines are written: one ledger, one writer at a time. A full disk
                        // loses the line; the worker still hears of the exit and records it.
                        code = SpawnedChild.ExitCodeOf(status);
                        TryAppend(child.Ledger, string.Create(CultureInfo.InvariantCulture, $"{child.Key} {code}\n"));
                    }
                    else if (child is not null)
                    {
                        // Never expected (only this thread collects): a job's own answer pipe closes without an exit, and
                        // the worker fails the job saying the supervisor could not tell its end.
                        if (child.Reply >= 0)
                        {
                            _ = SpawnedChild.Close(child.Reply);
                        }

                        child = null;
                    }
                }

                if (child is not null)
                {
                    state.Reply(child.Reply, string.Create(CultureInfo.InvariantCulture, $"E {child.Id} {code}"));
                    if (child.Reply >= 0)
                    {
                        _ = SpawnedChild.Close(child.Reply);
                    }
                }

                continue;
            }

            if (Marshal.GetLastPInvokeError() == SpawnedChild.Interrupted)
            {
                continue;
            }

            // No child now: wait for the next one, or end once no more can come.
            lock (state.Gate)
            {
                if (state.Children.Count == 0)
                {
                    if (state.Closing)
                    {
                        return;
                    }

                    Monitor.Wait(state.Gate, TimeSpan.FromMilliseconds(100));
                }
            }
        }
    }

    private const int AnyChild = 0, OneChild = 1; // P_ALL, P_PID
    private const int Exited = 4, NoHang = 1, NoWait = 0x01000000; // WEXITED, WNOHANG, WNOWAIT
    // siginfo_t: 128 bytes; si_pid after si_signo, si_errno, si_code and the union's alignment.
    private const int SignalInfoBytes = 128, SignalInfoPid = 16;

    // True while pid is a child of this process that has ended and is not collected: a posix_spawn that failed after the
    // fork collects its child itself, and the reaper must not wait for that one to be registered.
    private static bool Zombie(int pid)
    {
        var info = stackalloc byte[SignalInfoBytes];
        return SpawnedChild.WaitId(OneChild, pid, info, Exited | NoWait | NoHang) == 0 && *(int*)(info + SignalInfoPid) == pid;
    }

    // The exit status of pid, a zombie: collected, trying again when a signal interrupts the call.
    private static int? Collect(int pid)
    {
        int status;
        int collected;
        do
        {
            collected = SpawnedChild.WaitPid(pid, &status, 0);
        }
        while (collected < 0 && Marshal.GetLastPInvokeError() == SpawnedChild.Interrupted);

        return collected == pid ? status : null;
    }

    private static bool TryAppend(FileStream ledger, string line)
    {
        try
        {
            ledger.Write(Encoding.UTF8.GetBytes(line));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    // A request's NAME=VALUE entry; the value may hold '=' itself.
    private static KeyValuePair<string, string> Variable(string entry)
    {
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? KeyValuePair.Create(entry, "") : KeyValuePair.Create(entry[..equals], entry[(equals + 1)..]);
    }

    // The supervisor's environment as the jobs get it: what the worker set for the supervisor alone is undone.
    private static Dictionary<string, string> JobVariables(IReadOnlyList<string> restore)
    {
        var variables = ChildProcess.CurrentEnvironment();
        foreach (var entry in restore)
        {
            if (entry.Contains('=', StringComparison.Ordinal))
            {
                var (name, value) = Variable(entry);
                variables[name] = value;
            }
            else
            {
                variables.Remove(entry);
            }
        }

        return variables;
    }

    private static FileStream LedgerFor(State state, string path)
    {
        lock (state.Gate)
        {
            if (state.Ledgers.TryGetValue(path, out var open))
            {
                return open;
            }
        }

        // Unbuffered, so each line is one write: the reconciler never reads half of one.
        var ledger = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
        var self = ProcessInfo.Current();
        ledger.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{ExitLedger.SupervisorMark}{self.ProcessId} {self.StartTicks}\n")));
        lock (state.Gate)
        {
            state.Ledgers[path] = ledger;
        }

        return ledger;
    }

    // The input of a job the worker gives none: it reads end-of-file at once, as from a pipe closed at once.
    private static int OpenNull()
    {
        var fd = Open("/dev/null", ReadOnlyAccess | SpawnedChild.CloseOnExec);
        return fd >= 0 ? fd : throw new IOException($"could not open /dev/null: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    private static int OpenWorkerDescriptor(int workerPid, int descriptor, int access)
    {
        var fd = Open(string.Create(CultureInfo.InvariantCulture, $"/proc/{workerPid}/fd/{descriptor}"), access | SpawnedChild.CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"could not open the worker's descriptor {descriptor}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return fd;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    // Reply: the job's own answer pipe, or -1 for standard output.
    private sealed record Child(long Id, string Key, FileStream Ledger, int Reply);

    private sealed class State(FileStream output, Dictionary<string, string> variables)
    {
        public object Gate { get; } = new();

        /// <summary>Every job's environment before its own variables.</summary>
        public Dictionary<string, string> Variables { get; } = variables;

        /// <summary><see cref="Variables"/> as NAME=VALUE entries, for a job without variables of its own.</summary>
        public string[] Environment { get; } = ChildProcess.Entries(variables);

        private readonly object _nullGate = new();
        private int _null = -1;

        /// <summary>The input of every job the worker gives none: opened once (tried again if that failed), never closed.</summary>
        public int Null()
        {
            lock (_nullGate)
            {
                return _null >= 0 ? _null : _null = OpenNull();
            }
        }

        public Dictionary<int, Child> Children { get; } = [];

        public Dictionary<string, FileStream> Ledgers { get; } = new(StringComparer.Ordinal);

        public bool Closing { get; set; }

        /// <summary>Answers on <paramref name="descriptor"/>, a job's own answer pipe, or on standard output for -1.</summary>
        public void Reply(int descriptor, string line)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            if (descriptor >= 0)
            {
                // One write of a short line to a pipe of its own: whole, or lost with the worker that reads it.
                fixed (byte* p = bytes)
                {
                    _ = SpawnedChild.Write(descriptor, p, bytes.Length);
                }

                return;
            }

            lock (output)
            {
                try
                {
                    output.Write(bytes);
                }
                catch (IOException)
                {
                    // The worker is gone; the ledger has what it needs.
                }
            }
        }
    }

    /// <summary>
    /// Starts the jobs asked for on threads of their own, so that one job's start (a posix_spawn waits for the child's
    /// exec) does not hold up another's: a worker's slots ask at once. A thread is added while every one is busy, up to
    /// <see cref="MaxThreads"/>; they end once <see cref="Finish"/> is called and the requests are all started.
    /// </summary>
    private sealed class Starters(Action<Request> start)
    {
        private const int MaxThreads = 8;
        private readonly Queue<Request> _queue = new();
        private readonly List<Thread> _threads = [];
        private int _idle;
        private bool _finished;

        public void Add(Request request)
        {
            lock (_queue)
            {
                _queue.Enqueue(request);
                if (_idle > 0)
                {
                    Monitor.Pulse(_queue);
                    return;
                }

                if (_threads.Count < MaxThreads)
                {
                    var thread = new Thread(Serve, maxStackSize: 256 * 1024) { Name = "orch starter" };
                    _threads.Add(thread);
                    thread.Start();
                }
            }
        }

        /// <summary>Returns once every request added has been started (or refused).</summary>
        public void Finish()
        {
            lock (_queue)
            {
                _finished = true;
                Monitor.PulseAll(_queue);
            }

            foreach (var thread in _threads)
            {
                thread.Join();
            }
        }

        private void Serve()
        {
            while (true)
            {
                Request request;
                lock (_queue)
                {
                    while (_queue.Count == 0 && !_finished)
                    {
                        _idle++;
                        Monitor.Wait(_queue);
                        _idle--;
                    }

                    if (_queue.Count == 0)
                    {
                        return;
                    }

                    request = _queue.Dequeue();
                }

                start(request);
            }
        }
    }

    /// <summary>One job to start, as the worker wrote it.</summary>
    internal sealed record Request(long Id, string Ledger, string Key, string Directory, int Input, int Output, int Error, int Reply,
        IReadOnlyList<string> Argv, IReadOnlyList<string> Environment)
    {
        /// <summary>The request's bytes, each field ended by a NUL.</summary>
        public byte[] Encode()
        {
            var fields = new List<string>(10 + Argv.Count + Environment.Count)
            {
                Id.ToString(CultureInfo.InvariantCulture), Ledger, Key, Directory, Input.ToString(CultureInfo.InvariantCulture),
                Output.ToString(CultureInfo.InvariantCulture), Error.ToString(CultureInfo.InvariantCulture), Reply.ToString(CultureInfo.InvariantCulture),
                Argv.Count.ToString(CultureInfo.InvariantCulture),
            };
            fields.AddRange(Argv);
            fields.Add(Environment.Count.ToString(CultureInfo.InvariantCulture));
            fields.AddRange(Environment);
            var bytes = new byte[fields.Sum(f => Encoding.UTF8.GetByteCount(f) + 1)];
            var at = 0;
            foreach (var field in fields)
            {
                at += Encoding.UTF8.GetBytes(field, bytes.AsSpan(at));
                bytes[at++] = 0;
            }

            return bytes;
        }

        /// <summary>The next request, or <see langword="null"/> at the end of the input.</summary>
        /// <exception cref="FormatException">The input is not a request.</exception>
        public static Request? Read(Stream input)
        {
            var buffer = new MemoryStream();
            if (Field(input, buffer) is not { } field)
            {
                return null;
            }

            var id = long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException("a request with a malformed id");

            var ledger = Required(input, buffer);
            var key = Required(input, buffer);
            var directory = Required(input, buffer);
            var descriptors = new[] { Descriptor(input, buffer), Number(input, buffer), Number(input, buffer), Descriptor(input, buffer) };
            var argv = new string[Number(input, buffer)];
            for (var i = 0; i < argv.Length; i++)
            {
                argv[i] = Required(input, buffer);
            }

            var environment = new string[Number(input, buffer)];
            for (var i = 0; i < environment.Length; i++)
            {
                environment[i] = Required(input, buffer);
            }

            return argv.Length == 0 ? throw new FormatException("a request without a command")
                : new Request(id, ledger, key, directory, descriptors[0], descriptors[1], descriptors[2], descriptors[3], argv, environment);
        }

        private static int Number(Stream input, MemoryStream buffer) =>
            int.TryParse(Required(input, buffer), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new FormatException("a request with a malformed number");

        // A descriptor, or -1 for none (the input: /dev/null; the answers: standard output).
        private static int Descriptor(Stream input, MemoryStream buffer)
        {
            var text = Required(input, buffer);
            return text == "-1" ? -1
                : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var fd) ? fd : throw new FormatException("a request with a malformed descriptor");
        }

        private static string Required(Stream input, MemoryStream buffer) => Field(input, buffer) ?? throw new FormatException("a request cut short");

        private static string? Field(Stream input, MemoryStream buffer)
        {
            buffer.SetLength(0);
            int b;
            while ((b = input.ReadByte()) > 0)
            {
                buffer.WriteByte((byte)b);
            }

            return b < 0 && buffer.Length == 0 ? null : b < 0 ? throw new FormatException("a request cut short")
                : Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }
}
