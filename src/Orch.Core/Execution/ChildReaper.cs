using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Orch.Core.Execution;

/// <summary>
/// One thread collects the exit of every child Orch spawned itself: it waits on their pidfds with epoll, so a job costs
/// no thread of its own. Where there are no pidfds (Linux before 5.3, another architecture's epoll layout), each
/// child gets a waiting thread instead (<see cref="TryWatch"/> says so).
/// </summary>
internal static unsafe partial class ChildReaper
{
    private const long PidfdOpen = 434; // the same number on every Linux architecture
    private const int In = 0x001, Add = 1, CloseOnExec = 0x80000, Interrupted = 4, Batch = 64;

    // struct epoll_event is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16).
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private static readonly ConcurrentDictionary<int, (int Pid, TaskCompletionSource<int> Exit)> s_watched = new();
    private static readonly object s_gate = new();
    private static volatile bool s_unsupported = !OperatingSystem.IsLinux()
        || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64);
    private static int s_epoll = -1;

    /// <summary>Completes <paramref name="exit"/> with the child's status once it ends; <see langword="false"/> when the caller must wait itself.</summary>
    public static bool TryWatch(int pid, TaskCompletionSource<int> exit)
    {
        if (s_unsupported || !EnsureStarted())
        {
            return false;
        }

        // A child that already ended is a zombie until reaped, and its pidfd is readable at once: no race with the exit.
        var fd = (int)Syscall(PidfdOpen, pid, 0);
        if (fd < 0)
        {
            s_unsupported = true;
            return false;
        }

        s_watched[fd] = (pid, exit);
        var change = stackalloc byte[16];
        *(uint*)change = In;
        *(ulong*)(change + DataOffset) = (ulong)fd;
        if (EpollCtl(s_epoll, Add, fd, change) != 0)
        {
            s_watched.TryRemove(fd, out _);
            _ = Close(fd);
            return false;
        }

        return true;
    }

    private static bool EnsureStarted()
    {
        lock (s_gate)
        {
            if (s_epoll >= 0)
            {
                return true;
            }

            var epoll = EpollCreate1(CloseOnExec);
            if (epoll < 0)
            {
                s_unsupported = true;
                return false;
            }

            s_epoll = epoll;
            new Thread(Loop, maxStackSize: 256 * 1024) { IsBackground = true, Name = "orch reaper" }.Start();
            return true;
        }
    }

    private static void Loop()
    {
        var events = stackalloc byte[Batch * 16];
        while (true)
        {
            var ready = EpollWait(s_epoll, events, Batch, -1);
            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == Interrupted)
                {
                    continue;
                }

                // Never leave a child unwaited: everyone watched, and everyone after, gets a thread of their own.
                s_unsupported = true;
                foreach (var fd in s_watched.Keys)
                {
                    if (s_watched.TryRemove(fd, out var orphan))
                    {
                        new Thread(() => SpawnedChild.Reap(orphan.Pid, orphan.Exit), maxStackSize: 256 * 1024) { IsBackground = true }.Start();
                    }
                }

                return;
            }

            for (var i = 0; i < ready; i++)
            {
                var fd = (int)*(ulong*)(events + (i * EventSize) + DataOffset);
                if (s_watched.TryRemove(fd, out var watched))
                {
                    // Closing the pidfd takes it out of the epoll set; the child has ended, so waitpid returns at once.
                    _ = Close(fd);
                    SpawnedChild.Reap(watched.Pid, watched.Exit);
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long pid, long flags);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, byte* change);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, byte* events, int max, int timeout);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
