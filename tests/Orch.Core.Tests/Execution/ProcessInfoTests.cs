using System.Diagnostics;
using System.Globalization;
using Orch.Core.Execution;
using Orch.Testing;

namespace Orch.Core.Tests.Execution;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class ProcessInfoTests
{
    // The start time as /proc documents it: field 22, counted after the command name's last ')'.
    private static long Documented(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
    }

    [TestMethod]
    public void StartTicks_OfAProcessWhoseNameHoldsSpacesAndParentheses_IsField22()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("/proc is Linux's");
        }

        using var dir = new TempDirectory();
        var odd = dir.Combine("a) b (c");
        File.Copy("/bin/sleep", odd);
        File.SetUnixFileMode(odd, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var child = Process.Start(new ProcessStartInfo(odd, ["30"]))!;
        try
        {
            Assert.AreEqual(Documented(child.Id), ProcessInfo.StartTicks(child.Id));
            Assert.AreEqual(Documented(Environment.ProcessId), ProcessInfo.StartTicks(Environment.ProcessId));
            Assert.IsGreaterThan(0L, ProcessInfo.StartTicks(child.Id));
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }

        Assert.AreEqual(0L, ProcessInfo.StartTicks(child.Id), "a process that is gone has no start time");
        Assert.AreEqual(0L, ProcessInfo.StartTicks(int.MaxValue));
    }
}
