using System.Globalization;
using Orch.Abstractions.Adapters;
using Orch.Core.Execution;
using Orch.Core.Secrets;
using Orch.Testing;

namespace Orch.Core.Tests.Execution;

/// <summary>What every child Orch starts can rely on, however it was started.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class ProcessRunnerSpawnTests
{
    private static ProcessRequest Script(TempDirectory dir, string script) => new()
    {
        Argv = ["sh", "-c", script],
        WorkingDirectory = dir.Path,
        Environment = new Dictionary<string, string>(),
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static ValueTask<ProcessOutcome> RunAsync(TempDirectory dir, string script, ExitRecord? exitRecord = null,
        IReadOnlyDictionary<string, string>? environment = null, string? input = null) =>
        new ProcessRunner(dir.Combine("job.log"), SecretRedactor.None, TimeProvider.System, exitRecord: exitRecord)
            .RunAsync(Script(dir, script) with { Environment = environment ?? new Dictionary<string, string>(), StandardInput = input }, CancellationToken.None);

    [TestMethod]
    public async Task Run_OnLinux_ChildLeadsItsOwnSessionWithNoSignalIgnoredOrBlocked()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("sessions and /proc are Linux facts");
        }

        using var dir = new TempDirectory();

        // grep reads its own masks, which it inherited through exec: a shell's own would show what it blocks while it waits.
        var outcome = await RunAsync(dir, "echo pid $$; cut -d' ' -f6 /proc/$$/stat; exec grep -E '^Sig(Ign|Blk)' /proc/self/status");

        var lines = outcome.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(0, outcome.ExitCode, outcome.StandardError);
        Assert.AreEqual(lines[0]["pid ".Length..], lines[1], "the session id is the child's own pid: it leads its session, so a kill takes its whole tree");
        foreach (var mask in lines.Skip(2))
        {
            Assert.AreEqual(0UL, ulong.Parse(mask.Split(':')[1].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture), mask);
        }
    }

    [TestMethod]
    public async Task Run_WhileAnotherChildRuns_ChildHasOnlyItsOwnThreeDescriptors()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("/proc/PID/fd is a Unix fact");
        }

        using var dir = new TempDirectory();
        // The first child holds its pipes open while the second lists every descriptor it has.
        var holder = RunAsync(dir, "sleep 2");

        var outcome = await RunAsync(dir, "exec ls /proc/self/fd");
        await holder;

        // 3 is the folder ls itself reads.
        CollectionAssert.AreEquivalent(new[] { "0", "1", "2", "3" }, outcome.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            "a leaked pipe end would keep another job's output open after it exits");
    }

    [TestMethod]
    public async Task Run_WithEnvironmentInputAndWorkingDirectory_ChildSeesAllThreeAndItsExitCode()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("sub dir"));
        var runner = new ProcessRunner(null, SecretRedactor.None, TimeProvider.System);

        var outcome = await runner.RunAsync(new ProcessRequest
        {
            Argv = ["sh", "-c", "pwd; echo \"$ORCH_TEST_VALUE\"; cat; exit 7"],
            WorkingDirectory = dir.Combine("sub dir"),
            Environment = new Dictionary<string, string> { ["ORCH_TEST_VALUE"] = "é ü 'quoted' $HOME" },
            StandardInput = "from stdin\n",
            Timeout = TimeSpan.FromSeconds(30),
        }, CancellationToken.None);

        Assert.AreEqual(7, outcome.ExitCode);
        var lines = outcome.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(Path.GetFullPath(dir.Combine("sub dir")), Path.GetFullPath(lines[0]));
        Assert.AreEqual("é ü 'quoted' $HOME", lines[1], "values are passed as they are, not through a shell");
        Assert.AreEqual("from stdin", lines[2]);
    }

    [TestMethod]
    public async Task Run_KilledBySignal_ReportsTheSignalAsAShellDoes()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("signals are a Unix fact");
        }

        using var dir = new TempDirectory();

        var outcome = await RunAsync(dir, "kill -TERM $$");

        Assert.AreEqual(128 + 15, outcome.ExitCode);
    }

    [TestMethod]
    public async Task Run_WithExitRecord_AppendsItsKeyAndExitCodeToTheLedger()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("the ledger is written by /bin/sh");
        }

        using var dir = new TempDirectory();
        var ledger = dir.Combine("exits", "worker.exits");
        Directory.CreateDirectory(Path.GetDirectoryName(ledger)!);

        await RunAsync(dir, "exit 3", new ExitRecord(ledger, "job-a.0"));
        await RunAsync(dir, "echo 'output is not the ledger'", new ExitRecord(ledger, "job-b.1"));

        Assert.AreEqual("job-a.0 3\njob-b.1 0\n", File.ReadAllText(ledger));
        Assert.AreEqual(3, ExitLedger.Find(ledger, "job-a.0"));
        Assert.AreEqual(0, ExitLedger.Find(ledger, "job-b.1"));
        Assert.IsNull(ExitLedger.Find(ledger, "job-b.0"));
    }

    [TestMethod]
    public async Task Run_WithASupervisorThatDiesOrCannotStart_FailsTheJobItHeldWithWhy_AndLaterJobsGetAShellThatRecordsTheirExit()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var dir = new TempDirectory();
        var ledger = dir.Combine("exits", "worker.exits");
        Directory.CreateDirectory(Path.GetDirectoryName(ledger)!);
        // A "supervisor" that takes one byte of the first request and dies.
        var dying = new JobSupervisorClient(["/bin/sh", "-c", "dd bs=1 count=1 of=/dev/null 2>/dev/null; echo 'gave up' >&2; exit 1", "fake"]);
        var missing = new JobSupervisorClient([dir.Combine("no-such-orch")]);

        var held = await RunSupervisedAsync(dir, dying, "echo ran > ran.txt", new ExitRecord(ledger, "job-a.0"));
        var after = await RunSupervisedAsync(dir, dying, "exit 4", new ExitRecord(ledger, "job-b.0"));
        var never = await RunSupervisedAsync(dir, missing, "exit 5", new ExitRecord(ledger, "job-c.0"));
        await dying.DisposeAsync();
        await missing.DisposeAsync();

        Assert.IsNull(held.ExitCode);
        StringAssert.Contains(held.StartError, "job supervisor", "the job it held fails, saying why");
        Assert.IsFalse(File.Exists(dir.Combine("ran.txt")), "it never started that job");
        Assert.AreEqual(4, after.ExitCode, "the next job runs the other way");
        Assert.AreEqual(5, never.ExitCode, "without a supervisor at all, too");
        Assert.AreEqual(4, ExitLedger.Find(ledger, "job-b.0"), "and its exit is still recorded for a worker that dies");
        Assert.AreEqual(5, ExitLedger.Find(ledger, "job-c.0"));
        Assert.IsNull(missing.ProcessId);
    }

    private static ValueTask<ProcessOutcome> RunSupervisedAsync(TempDirectory dir, JobSupervisorClient supervisor, string script, ExitRecord exitRecord) =>
        new ProcessRunner(dir.Combine("job.log"), SecretRedactor.None, TimeProvider.System, exitRecord: exitRecord) { Supervisor = supervisor }
            .RunAsync(Script(dir, script), CancellationToken.None);

    private static ValueTask<ProcessOutcome> RunQuietAsync(TempDirectory dir, string script, IReadOnlyCollection<int>? successExitCodes = null) =>
        new ProcessRunner(dir.Combine("logs", "job.log"), SecretRedactor.None, TimeProvider.System, quietLog: true) { SuccessExitCodes = successExitCodes ?? [] }
            .RunAsync(Script(dir, script), CancellationToken.None);

    [TestMethod]
    public async Task Run_WithQuietLog_MakesNoFileForASilentSuccess_ButLogsOutputAndFailuresWithTheirCommand()
    {
        using var dir = new TempDirectory();
        var log = dir.Combine("logs", "job.log");

        await RunQuietAsync(dir, "true");
        Assert.IsFalse(File.Exists(log), "a job that printed nothing and exited 0 leaves no log file");

        await RunQuietAsync(dir, "exit 4");
        Assert.AreEqual("$ sh -c 'exit 4'\n# exit code 4\n", File.ReadAllText(log), "a failure is logged even when it printed nothing");

        await RunQuietAsync(dir, "true");
        Assert.EndsWith("$ sh -c true\n# exit code 0\n", File.ReadAllText(log), "once an attempt made the file, every later attempt is in it");

        File.Delete(log);
        await RunQuietAsync(dir, "echo said");
        Assert.AreEqual("$ sh -c 'echo said'\nsaid\n# exit code 0\n", File.ReadAllText(log), "output makes the file, command line first");
    }

    [TestMethod]
    public async Task Run_WithQuietLog_KeepsTheLogOfAnExitZeroThatIsNotOneOfTheJobsSuccessCodes()
    {
        using var dir = new TempDirectory();
        var log = dir.Combine("logs", "job.log");

        await RunQuietAsync(dir, "exit 3", [3]);
        Assert.IsFalse(File.Exists(log), "3 is this job's success, and it printed nothing");

        await RunQuietAsync(dir, "true", [3]);
        Assert.AreEqual("$ sh -c true\n# exit code 0\n", File.ReadAllText(log), "0 is a failure for this job, so its log stays to say so");
    }
}
