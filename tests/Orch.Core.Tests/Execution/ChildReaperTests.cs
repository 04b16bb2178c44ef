using Orch.Core.Execution;
using Orch.Testing;

namespace Orch.Core.Tests.Execution;

/// <summary>Children's exits are collected by one reaper thread, not a thread each.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class ChildReaperTests
{
    [TestMethod]
    public async Task Start_OfManyChildrenAtOnce_CollectsEachOwnExitCode_WithoutAThreadPerChild()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("pidfds are Linux's");
        }

        using var dir = new TempDirectory();
        using var gate = new ManualResetEventSlim();
        using var warmUp = ChildProcess.Start(["/bin/sh", "-c", "exit 0"], dir.Path, new Dictionary<string, string>());
        await warmUp.WaitForExitAsync(CancellationToken.None);
        var threadsBefore = ThreadCount();

        // Each child waits for a file, so all 64 are alive at once, then ends with its own code.
        var children = Enumerable.Range(0, 64)
            .Select(i => ChildProcess.Start(["/bin/sh", "-c", $"while [ ! -e go ]; do sleep 0.05; done; exit {i}"], dir.Path, new Dictionary<string, string>()))
            .ToList();
        var threadsWhileRunning = ThreadCount();
        File.WriteAllText(dir.Combine("go"), "");
        var codes = await Task.WhenAll(children.Select(c => c.WaitForExitAsync(CancellationToken.None)));
        children.ForEach(c => c.Dispose());

        CollectionAssert.AreEqual(Enumerable.Range(0, 64).ToArray(), codes);
        Assert.IsLessThan(threadsBefore + 16, threadsWhileRunning, $"{threadsWhileRunning - threadsBefore} threads more for 64 running children");
    }

    [TestMethod]
    public async Task Start_OfAChildKilledByASignal_ReportsItAsAShellWould()
    {
        using var dir = new TempDirectory();
        using var child = ChildProcess.Start(["/bin/sh", "-c", "kill -TERM $$; sleep 5"], dir.Path, new Dictionary<string, string>());

        Assert.AreEqual(128 + 15, await child.WaitForExitAsync(CancellationToken.None));
    }

    private static int ThreadCount() => Directory.GetDirectories($"/proc/{Environment.ProcessId}/task").Length;
}
