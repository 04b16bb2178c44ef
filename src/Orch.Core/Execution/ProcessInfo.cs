using System.Globalization;
using System.Runtime.InteropServices;
using Orch.Core.Storage;

namespace Orch.Core.Execution;

/// <summary>Process facts the runtime does not expose: start times that survive pid reuse, and process-group kills.</summary>
public static partial class ProcessInfo
{
    private const int SigKill = 9, SigTerm = 15;

    /// <summary>The process's start time in clock ticks since boot, from <c>/proc/PID/stat</c>; 0 where that is unknown.</summary>
    /// <remarks>
    /// Read with one open, read and close into a buffer on the stack: the supervisor asks this once per job it starts,
    /// and through <see cref="File"/> it cost about 40 µs of the supervisor's time per job.
    /// </remarks>
    public static unsafe long StartTicks(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        Span<byte> path = stackalloc byte[40];
        Span<byte> stat = stackalloc byte[1024];
        if (!System.Text.Unicode.Utf8.TryWrite(path, CultureInfo.InvariantCulture, $"/proc/{processId}/stat\0", out _))
        {
            return 0;
        }

        int read;
        fixed (byte* pathBytes = path)
        fixed (byte* statBytes = stat)
        {
            var fd = OpenFile(pathBytes, SpawnedChild.CloseOnExec); // O_RDONLY is 0
            if (fd < 0)
            {
                return 0;
            }

            read = (int)ReadFile(fd, statBytes, (nint)stat.Length);
            _ = SpawnedChild.Close(fd);
        }

        // The command name (field 2) may hold spaces and parentheses; the fields after the last ')' are fixed, the
        // start time (field 22) the 20th of them.
        var text = stat[..Math.Max(0, read)];
        var close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 2 > text.Length)
        {
            return 0;
        }

        var rest = text[(close + 2)..];
        for (var field = 0; field < 19; field++)
        {
            var space = rest.IndexOf((byte)' ');
            if (space < 0)
            {
                return 0;
            }

            rest = rest[(space + 1)..];
        }

        var end = rest.IndexOfAny((byte)' ', (byte)'\n');
        return long.TryParse(end < 0 ? rest : rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : 0;
    }

    [LibraryImport("libc", EntryPoint = "open")]
    private static unsafe partial int OpenFile(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "read")]
    private static unsafe partial nint ReadFile(int fd, byte* buffer, nint count);

    /// <summary>The state letter of /proc/PID/stat (R, S, D, Z, ...), or a space when it cannot be read.</summary>
    private static char State(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return ' ';
        }
    }

    public static ProcessIdentity Current() => new(Environment.ProcessId, StartTicks(Environment.ProcessId));

    /// <summary>True when the process still runs and is the same one (not a later process that reused the pid).</summary>
    public static bool IsAlive(ProcessIdentity process)
    {
        if (OperatingSystem.IsLinux())
        {
            if (!Directory.Exists($"/proc/{process.ProcessId}"))
            {
                return false;
            }

            // A zombie has finished: an orphan whose new parent does not reap it (PID 1 in many containers) stays one.
            if (State(process.ProcessId) is 'Z' or 'X')
            {
                return false;
            }

            var ticks = StartTicks(process.ProcessId);
            return process.StartTicks == 0 || ticks == 0 || ticks == process.StartTicks;
        }

        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(process.ProcessId);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Asks every process in the group <paramref name="groupId"/> leads to stop (SIGTERM); false where groups are not supported.</summary>
    public static bool TerminateGroup(int groupId) =>
        !OperatingSystem.IsWindows() && groupId > 1 && Kill(-groupId, SigTerm) == 0;

    /// <summary>True while any process of the group <paramref name="groupId"/> is left.</summary>
    public static bool GroupExists(int groupId) =>
        !OperatingSystem.IsWindows() && groupId > 1 && Kill(-groupId, 0) == 0;

    /// <summary>Kills every process in the group <paramref name="groupId"/> leads; false where groups are not supported.</summary>
    public static bool KillGroup(int groupId)
    {
        if (OperatingSystem.IsWindows() || groupId <= 1)
        {
            return false;
        }

        return Kill(-groupId, SigKill) == 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
