namespace Orch.Testing;

public static class ProcessState
{
    /// <summary>True while the pid runs; a zombie (killed, not yet reaped) counts as gone.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// True once the pid is gone, looking until <paramref name="timeout"/> (5 s by default): a process sent SIGKILL dies
    /// when the kernel next runs it, which on a loaded machine can come after the command that sent it has ended. One that
    /// was never sent it stays for the whole wait, and the caller's assertion fails as it should.
    /// </summary>
    public static bool GoneWithin(int pid, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (IsRunning(pid))
        {
            if (DateTime.UtcNow >= until)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }
}
