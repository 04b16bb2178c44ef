using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Orch.Core.Execution;

/// <summary>
/// One worker slot's way to the worker's job supervisor (<see cref="JobSupervisor"/>), used from that slot's thread
/// alone: each job's request names a pipe the slot made for that job's answers, and the slot's thread reads them itself,
/// with blocking reads and polls. A job's start and exit reach the thread that waits for them with no thread between,
/// where <see cref="JobSupervisorClient"/> reads every answer on one thread and hands it over. The supervisor closes the
/// answer pipe once it has written the exit, so its end before an exit means the supervisor has gone.
/// </summary>
internal sealed unsafe partial class SupervisorChannel : IDisposable
{
    private const short PollIn = 0x1;
    private const int NonBlocking = 0x800; // O_NONBLOCK, EFD_NONBLOCK
    private const int TryAgain = 11; // EAGAIN
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(30);

    [ThreadStatic]
    private static SupervisorChannel? t_current;

    private readonly JobSupervisorClient _supervisor;
    private readonly byte[] _answers = new byte[1024];
    private int _start;
    private int _end;
    private int _reply = -1;
    private int _wake = -1;

    public SupervisorChannel(JobSupervisorClient supervisor) => _supervisor = supervisor;

    /// <summary>The channel of the slot running on this thread; <see langword="null"/> off a slot's thread.</summary>
    public static SupervisorChannel? Current
    {
        get => t_current;
        set => t_current = value;
    }

    /// <summary>False once the supervisor could not start or has gone: the slot's jobs start the other way.</summary>
    public bool Usable => _supervisor.Usable;

    /// <summary>The descriptor to poll for the current job's answers.</summary>
    public int Replies => _reply;

    /// <summary>The descriptor to poll for <see cref="Wake"/>.</summary>
    public int Waker => _wake;

    /// <summary>
    /// Starts <paramref name="argv"/> as job <paramref name="exit"/>, its output and error to the write ends
    /// <paramref name="output"/> and <paramref name="error"/> (the caller closes them once this returns), its input
    /// <c>/dev/null</c>; <see langword="null"/> when there is no supervisor to start it, so the caller starts it the other
    /// way. Call <see cref="EndJob"/> once its exit is in.
    /// </summary>
    /// <exception cref="ChildStartException">The supervisor could not start the job, or gave no answer.</exception>
    public Started? Start(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyList<string> environment, ExitRecord exit, int output, int error)
    {
        if (!_supervisor.Usable || (_wake < 0 && (_wake = EventFd(0, SpawnedChild.CloseOnExec | NonBlocking)) < 0))
        {
            return null;
        }

        var pipe = stackalloc int[2] { -1, -1 };
        if (SpawnedChild.Pipe2(pipe, SpawnedChild.CloseOnExec) != 0)
        {
            return null;
        }

        _start = _end = 0;
        var id = _supervisor.NextId();
        try
        {
            if (!_supervisor.Send(new JobSupervisor.Request(id, exit.Ledger, exit.Key, workingDirectory, -1, output, error, pipe[1], argv, environment).Encode()))
            {
                return null;
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            Span<int> descriptors = [pipe[0]];
            Span<bool> ready = stackalloc bool[1];
            while (true)
            {
                Poll(descriptors, ready, 100);
                if (ready[0] && !Fill(pipe[0]))
                {
                    throw new ChildStartException(_supervisor.EndReason());
                }

                while (TakeLine() is { } line)
                {
                    if (Parse(line) is not { } answer || answer.Id != id)
                    {
                        continue;
                    }

                    if (answer.Kind == 'X')
                    {
                        throw new ChildStartException(answer.Text);
                    }

                    if (answer.Kind == 'S' && ParseStarted(id, answer.Text) is { } started)
                    {
                        _reply = pipe[0];
                        pipe[0] = -1;
                        return started;
                    }
                }

                // Its answers go to this pipe, and its end is told by its reader: gone, or silent for far too long, it
                // started nothing this slot will hear of.
                if (!_supervisor.Usable)
                {
                    throw new ChildStartException(_supervisor.EndReason());
                }

                if (clock.Elapsed > AnswerLimit)
                {
                    throw new ChildStartException($"Orch's job supervisor gave no answer in {AnswerLimit.TotalSeconds:0} s");
                }
            }
        }
        finally
        {
            // The supervisor holds its own copy once it has answered; then the pipe's end is the supervisor's.
            _ = SpawnedChild.Close(pipe[1]);
            if (pipe[0] >= 0)
            {
                _ = SpawnedChild.Close(pipe[0]);
            }
        }
    }

    /// <summary>
    /// The exit code of job <paramref name="id"/> when the supervisor has given it: from what was read already (the start
    /// and the exit may come in one read), and with <paramref name="read"/> (the poll said there is more) from one more read.
    /// </summary>
    /// <exception cref="InvalidOperationException">The supervisor has gone: the job is no longer watched.</exception>
    public int? TakeExit(long id, bool read)
    {
        var ended = read && !Fill(_reply);
        int? code = null;
        while (TakeLine() is { } line)
        {
            if (Parse(line) is { Kind: 'E' } answer && answer.Id == id
                && int.TryParse(answer.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var exitCode))
            {
                code = exitCode;
            }
        }

        // The pipe ends after the exit is written: ended without one, the supervisor has gone.
        return code ?? (ended ? throw new InvalidOperationException(_supervisor.EndReason()) : null);
    }

    /// <summary>Closes the current job's answer pipe.</summary>
    public void EndJob()
    {
        if (_reply >= 0)
        {
            _ = SpawnedChild.Close(_reply);
            _reply = -1;
        }
    }

    /// <summary>Wakes the slot's thread from a poll of <see cref="Waker"/>: called by whoever cancels its job.</summary>
    public void Wake()
    {
        long one = 1;
        _ = SpawnedChild.Write(_wake, (byte*)&one, sizeof(long));
    }

    /// <summary>Clears <see cref="Wake"/> once the poll has seen it.</summary>
    public void ClearWake()
    {
        long count;
        _ = SpawnedChild.Read(_wake, (byte*)&count, sizeof(long));
    }

    /// <summary>Polls <paramref name="descriptors"/> for input for at most <paramref name="timeoutMs"/> (-1: no limit); sets which are ready.</summary>
    public static void Poll(ReadOnlySpan<int> descriptors, Span<bool> ready, int timeoutMs)
    {
        var fds = stackalloc PollDescriptor[descriptors.Length];
        for (var i = 0; i < descriptors.Length; i++)
        {
            fds[i] = new PollDescriptor { Descriptor = descriptors[i], Events = PollIn };
        }

        // A signal interrupts poll, and the runtime handles several: the caller's loop works out the time left again.
        _ = PollNative(fds, (nuint)descriptors.Length, timeoutMs);
        for (var i = 0; i < descriptors.Length; i++)
        {
            ready[i] = descriptors[i] >= 0 && fds[i].ReturnedEvents != 0;
        }
    }

    /// <summary>Reads once from <paramref name="descriptor"/>; 0 at its end (or on an error), -1 when nothing was there.</summary>
    public static int ReadSome(int descriptor, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var read = (int)SpawnedChild.Read(descriptor, p, buffer.Length);
                if (read >= 0)
                {
                    return read;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != SpawnedChild.Interrupted)
                {
                    return errno == TryAgain ? -1 : 0;
                }
            }
        }
    }

    // One read into the buffer, making room first; false at the pipe's end.
    private bool Fill(int descriptor)
    {
        if (_start > 0)
        {
            Array.Copy(_answers, _start, _answers, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _answers.Length)
        {
            // A line longer than the buffer is not one of its answers: drop it.
            _end = 0;
        }

        var read = ReadSome(descriptor, _answers.AsSpan(_end));
        if (read == 0)
        {
            return false;
        }

        _end += Math.Max(0, read);
        return true;
    }

    private string? TakeLine()
    {
        var newline = Array.IndexOf(_answers, (byte)'\n', _start, _end - _start);
        if (newline < 0)
        {
            return null;
        }

        var line = Encoding.UTF8.GetString(_answers, _start, newline - _start);
        _start = newline + 1;
        return line;
    }

    // KIND ID TEXT
    private static Answer? Parse(string line)
    {
        var parts = line.Split(' ', 3);
        return parts.Length == 3 && parts[0].Length == 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new Answer(parts[0][0], id, parts[2]) : null;
    }

    // PID TICKS LEDGERED
    private static Started? ParseStarted(long id, string text) =>
        text.Split(' ') is [var pid, var ticks, var ledgered]
        && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
        && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new Started(id, processId, start, ledgered == "1") : null;

    public void Dispose()
    {
        EndJob();
        if (_wake >= 0)
        {
            _ = SpawnedChild.Close(_wake);
            _wake = -1;
        }
    }

    /// <summary>A job the supervisor started: its request's id, its pid, its start time, and whether the ledger holds its start.</summary>
    public sealed record Started(long Id, int ProcessId, long StartTicks, bool InLedger);

    private sealed record Answer(char Kind, long Id, string Text);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int PollNative(PollDescriptor* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initial, int flags);
}
