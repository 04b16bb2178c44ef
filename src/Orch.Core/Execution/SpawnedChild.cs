using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Orch.Core.Execution;

/// <summary>
/// A child started with <c>posix_spawn</c>: a new session (<c>POSIX_SPAWN_SETSID</c>), every signal at its default
/// disposition and none blocked, no descriptor but its three pipes (made close-on-exec in Orch, so no other child
/// inherits them). Its exit is collected by <c>waitpid</c> on a thread of its own (the runtime only reaps the children
/// it started itself), or told by the worker's <see cref="JobSupervisor"/>, which spawned it the same way.
/// </summary>
internal sealed unsafe partial class SpawnedChild : ChildProcess
{
    internal const int CloseOnExec = 0x80000; // O_CLOEXEC
    private const short SetSignalDefaults = 0x04, SetSignalMask = 0x08, SetSession = 0x80;
    internal const int Interrupted = 4, NoChild = 10; // EINTR, ECHILD
    // Larger than posix_spawnattr_t (336 bytes), posix_spawn_file_actions_t (80) and sigset_t (128) in glibc and musl.
    private const int OpaqueBytes = 1024;

    private static volatile bool s_unsupported = !OperatingSystem.IsLinux();
    private static volatile bool s_closeFrom = true;

    private readonly int _id;
    private readonly Task<int> _exit;
    private readonly Stream _input;
    private readonly StreamReader _output;
    private readonly StreamReader _error;

    /// <summary>
    /// The child <paramref name="id"/>, holding Orch's ends of its pipes, with its exit code to come from
    /// <paramref name="exit"/>; an <paramref name="input"/> of -1 is a child that reads <c>/dev/null</c>.
    /// </summary>
    internal SpawnedChild(int id, int input, int output, int error, Task<int> exit)
    {
        _id = id;
        _exit = exit;
        _input = input < 0 ? Stream.Null : new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(input, ownsHandle: true));
        _output = new StreamReader(new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(output, ownsHandle: true)), Encoding.UTF8);
        _error = new StreamReader(new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(error, ownsHandle: true)), Encoding.UTF8);
    }

    // A blocking waitpid per child: a small thread is cheaper than polling, and it ends when the child does.
    private static Task<int> Reaped(int id)
    {
        var exit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() => Reap(id, exit), maxStackSize: 256 * 1024) { IsBackground = true, Name = $"orch wait {id}" }.Start();
        return exit.Task;
    }

    public static bool IsSupported => !s_unsupported;

    public override int Id => _id;

    public override Stream StandardInput => _input;

    public override StreamReader StandardOutput => _output;

    public override StreamReader StandardError => _error;

    public override bool LeadsGroup => true;

    public override Task<int> WaitForExitAsync(CancellationToken cancellationToken) => _exit.WaitAsync(cancellationToken);

    protected override void KillSelf() => ProcessInfo.KillGroup(_id);

    public override void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
        _error.Dispose();
    }

    /// <summary>Starts the child; <see langword="null"/> when this C library cannot (Orch then uses <see cref="ManagedChild"/>).</summary>
    /// <exception cref="ChildStartException">posix_spawn refused, for example for a file that is not executable.</exception>
    /// <param name="environment">Its whole environment, as <c>NAME=VALUE</c> entries.</param>
    public static SpawnedChild? TryStart(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyList<string> environment)
    {
        try
        {
            return Spawn(argv, workingDirectory, environment);
        }
        catch (EntryPointNotFoundException)
        {
            // posix_spawn_file_actions_addchdir_np came with glibc 2.29 and musl 1.1.24.
            s_unsupported = true;
            return null;
        }
    }

    private static SpawnedChild Spawn(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyList<string> environment)
    {
        var pipes = stackalloc int[6] { -1, -1, -1, -1, -1, -1 };
        try
        {
            for (var i = 0; i < 3; i++)
            {
                if (Pipe2(pipes + 2 * i, CloseOnExec) != 0)
                {
                    throw new ChildStartException(Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
                }
            }

            var pid = SpawnWith(argv, workingDirectory, environment, pipes[0], pipes[3], pipes[5]);
            var child = new SpawnedChild(pid, pipes[1], pipes[2], pipes[4], Reaped(pid));
            pipes[1] = pipes[2] = pipes[4] = -1;
            return child;
        }
        finally
        {
            for (var i = 0; i < 6; i++)
            {
                if (pipes[i] >= 0)
                {
                    _ = Close(pipes[i]);
                }
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="argv"/> as the leader of a new session, with every signal at its default disposition and
    /// none blocked, <paramref name="input"/>, <paramref name="output"/> and <paramref name="error"/> as its 0, 1 and 2,
    /// and no other descriptor; returns its pid. The caller reaps it.
    /// </summary>
    /// <param name="environment">Its whole environment, as <c>NAME=VALUE</c> entries.</param>
    /// <exception cref="ChildStartException">posix_spawn refused, for example for a file that is not executable.</exception>
    /// <exception cref="EntryPointNotFoundException">This C library cannot (glibc before 2.29, musl before 1.1.24).</exception>
    internal static int SpawnWith(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyList<string> environment, int input, int output, int error)
    {
        var actions = NativeMemory.AllocZeroed(OpaqueBytes);
        var attributes = NativeMemory.AllocZeroed(OpaqueBytes);
        var defaults = NativeMemory.AllocZeroed(OpaqueBytes);
        var mask = NativeMemory.AllocZeroed(OpaqueBytes);
        var strings = new Utf8Block([argv[0], workingDirectory, .. argv, .. environment]);
        var argumentArray = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 1), (nuint)sizeof(byte*));
        var environmentArray = (byte**)NativeMemory.AllocZeroed((nuint)(environment.Count + 1), (nuint)sizeof(byte*));
        var actionsReady = false;
        var attributesReady = false;
        try
        {
            for (var i = 0; i < argv.Count; i++)
            {
                argumentArray[i] = strings[2 + i];
            }

            for (var i = 0; i < environment.Count; i++)
            {
                environmentArray[i] = strings[2 + argv.Count + i];
            }

            Check(SpawnFileActionsInit(actions));
            actionsReady = true;
            // dup2 onto 0, 1 and 2 clears close-on-exec for those three alone.
            Check(SpawnFileActionsAddDup2(actions, input, 0));
            Check(SpawnFileActionsAddDup2(actions, output, 1));
            Check(SpawnFileActionsAddDup2(actions, error, 2));
            Check(SpawnFileActionsAddChdir(actions, strings[1]));
            if (s_closeFrom)
            {
                try
                {
                    // Whatever Orch inherited without close-on-exec (a parent's pipes, say) stays out of the job.
                    Check(SpawnFileActionsAddCloseFrom(actions, 3));
                }
                catch (EntryPointNotFoundException)
                {
                    s_closeFrom = false; // glibc before 2.34
                }
            }

            Check(SpawnAttrInit(attributes));
            attributesReady = true;
            // Every bit, not sigfillset: that leaves out the C library's own real-time signals, which stay ignored if Orch's were.
            new Span<byte>(defaults, OpaqueBytes).Fill(0xff);
            Check(SigEmptySet(mask));
            Check(SpawnAttrSetSigDefault(attributes, defaults));
            Check(SpawnAttrSetSigMask(attributes, mask));
            Check(SpawnAttrSetFlags(attributes, SetSignalDefaults | SetSignalMask | SetSession));

            int pid;
            var result = PosixSpawn(&pid, strings[0], actions, attributes, argumentArray, environmentArray);
            if (result != 0)
            {
                throw new ChildStartException(Marshal.GetPInvokeErrorMessage(result));
            }

            return pid;
        }
        finally
        {
            if (actionsReady)
            {
                _ = SpawnFileActionsDestroy(actions);
            }

            if (attributesReady)
            {
                _ = SpawnAttrDestroy(attributes);
            }

            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(defaults);
            NativeMemory.Free(mask);
            NativeMemory.Free(argumentArray);
            NativeMemory.Free(environmentArray);
            strings.Dispose();
        }

        static void Check(int result)
        {
            if (result != 0)
            {
                throw new ChildStartException(Marshal.GetPInvokeErrorMessage(result == -1 ? Marshal.GetLastPInvokeError() : result));
            }
        }
    }

    /// <summary>The exit code in a <c>waitpid</c> status: WIFEXITED's code, else 128 + the signal, as a shell reports it.</summary>
    internal static int ExitCodeOf(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    private static void Reap(int pid, TaskCompletionSource<int> exit)
    {
        int status;
        while (true)
        {
            if (WaitPid(pid, &status, 0) == pid)
            {
                exit.SetResult(ExitCodeOf(status));
                return;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Interrupted)
            {
                exit.SetException(new InvalidOperationException(errno == NoChild
                    ? $"the exit status of process {pid} was collected by someone else (is SIGCHLD ignored where Orch was started?)"
                    : $"waiting for process {pid} failed: {Marshal.GetPInvokeErrorMessage(errno)}"));
                return;
            }
        }
    }

    /// <summary>NUL-terminated UTF-8 copies of strings in one native block.</summary>
    private sealed class Utf8Block : IDisposable
    {
        private readonly byte* _block;
        private readonly int[] _offsets;

        public Utf8Block(IReadOnlyList<string> values)
        {
            _offsets = new int[values.Count];
            var total = 0;
            for (var i = 0; i < values.Count; i++)
            {
                _offsets[i] = total;
                total += Encoding.UTF8.GetByteCount(values[i]) + 1;
            }

            _block = (byte*)NativeMemory.Alloc((nuint)Math.Max(total, 1));
            for (var i = 0; i < values.Count; i++)
            {
                var written = Encoding.UTF8.GetBytes(values[i], new Span<byte>(_block + _offsets[i], total - _offsets[i]));
                _block[_offsets[i] + written] = 0;
            }
        }

        public byte* this[int index] => _block + _offsets[index];

        public void Dispose() => NativeMemory.Free(_block);
    }

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    internal static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "waitid", SetLastError = true)]
    internal static partial int WaitId(int idType, int id, byte* info, int options);

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    private static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int SpawnFileActionsInit(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int SpawnFileActionsDestroy(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int SpawnFileActionsAddDup2(void* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    private static partial int SpawnFileActionsAddChdir(void* actions, byte* path);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    private static partial int SpawnFileActionsAddCloseFrom(void* actions, int from);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    private static partial int SpawnAttrInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    private static partial int SpawnAttrDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    private static partial int SpawnAttrSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    private static partial int SpawnAttrSetSigDefault(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int SpawnAttrSetSigMask(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "sigemptyset", SetLastError = true)]
    private static partial int SigEmptySet(void* signals);
}
