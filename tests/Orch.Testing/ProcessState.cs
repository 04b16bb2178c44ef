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
}
