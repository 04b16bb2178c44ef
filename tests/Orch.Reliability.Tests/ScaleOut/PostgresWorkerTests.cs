using System.Diagnostics;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.ScaleOut;

/// <summary>
/// Workers on many hosts sharing one PostgreSQL queue: claims, leases, fencing and rescue, tried with real worker
/// processes that stand in for separate hosts (ORCH_HOST), kills, pauses, dropped connections and a stopped server.
/// </summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class PostgresWorkerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [TestMethod]
    public async Task ThreeWorkers_OnAThousandJobs_RunEachExactlyOnce()
    {
        await using var queue = await PostgresQueue.OnSharedServerAsync();
        await queue.SubmitAsync(1000, name => $"echo {name} >> ran.txt");

        var workers = new[] { "a", "b", "c" }.Select(host => queue.StartWorker(host, "--parallel", "4", "--drain")).ToList();
        var printed = await Task.WhenAll(workers.Select(w => PostgresQueue.ExitedAsync(w, Patience)));

        Assert.IsTrue(workers.All(w => w.ExitCode == 0), string.Join('\n', printed));
        var ran = File.ReadAllLines(queue.Folder.Combine("ran.txt"));
        Assert.HasCount(1000, ran, "each job ran once");
        Assert.AreEqual(1000, ran.Distinct().Count(), "no job ran twice");
        Assert.AreEqual(1000, await queue.CountAsync("SELECT count(*) FROM jobs WHERE status = 'succeeded';"), "none lost");
        Assert.AreEqual(1000, await queue.CountAsync("SELECT count(*) FROM attempts;"), "one attempt each");
        Assert.AreEqual(3, await queue.CountAsync("SELECT count(DISTINCT owner_host) FROM jobs;"), "all three hosts took work");
    }

    [TestMethod]
    public async Task Worker_KilledWithItsHost_LosesItsLease_AndAnotherWorkerRunsTheJobOnce()
    {
        await using var queue = await PostgresQueue.OnSharedServerAsync();
        await queue.SubmitAsync(1, name => $"echo start >> starts.txt; sleep 2; echo {name} >> ran.txt");
        var doomed = queue.StartWorker("doomed", "--lease", "3");
        // The job may print before its worker's supervisor has recorded which process runs it.
        await EventuallyAsync(async () => File.Exists(queue.Folder.Combine("starts.txt"))
            && await queue.ProcessOfRunningJobAsync(queue.Folder.Path) is not null, "the first worker to start the job");

        // The host dies: the worker and the tool it ran go together.
        var tool = (await queue.ProcessOfRunningJobAsync(queue.Folder.Path))!.Value;
        doomed.Kill(entireProcessTree: true);
        KillGroup(tool);
        var survivor = queue.StartWorker("survivor", "--lease", "3");
        await EventuallyAsync(async () => await queue.CountAsync("SELECT count(*) FROM jobs WHERE status = 'succeeded';") == 1, "the job to finish on the other host");

        Assert.AreEqual(2, File.ReadAllLines(queue.Folder.Combine("starts.txt")).Length, "started again after the lease ran out (at-least-once start)");
        Assert.HasCount(1, File.ReadAllLines(queue.Folder.Combine("ran.txt")), "completed once");
        Assert.AreEqual(1, await queue.CountAsync("SELECT recoveries FROM jobs;"));
        Assert.AreEqual("survivor", await queue.ScalarAsync("SELECT owner_host FROM jobs;"));
        Assert.AreEqual(1, await queue.CountAsync("SELECT count(*) FROM events WHERE kind = 'job.recovered' AND data LIKE '%lease ran out%';"));
        survivor.Kill();
    }

    [TestMethod]
    public async Task Worker_PausedPastItsLease_IsFencedOff_KillsItsTool_AndRecordsNothing()
    {
        await using var queue = await PostgresQueue.OnSharedServerAsync();
        await queue.SubmitAsync(1, name => "echo $$ >> started.txt; sleep 12; echo $$ >> finished.txt");
        var paused = queue.StartWorker("paused", "--lease", "3");
        await EventuallyAsync(() => File.Exists(queue.Folder.Combine("started.txt")), "the job to start");
        var firstTool = int.Parse(File.ReadAllLines(queue.Folder.Combine("started.txt"))[0], System.Globalization.CultureInfo.InvariantCulture);

        Signal(paused.Id, "STOP");
        var other = queue.StartWorker("other", "--lease", "3");
        await EventuallyAsync(() => File.ReadAllLines(queue.Folder.Combine("started.txt")).Length == 2, "the other worker to take the job over");
        Signal(paused.Id, "CONT");
        await EventuallyAsync(() => !IsAlive(firstTool), "the resumed worker to kill its tool", TimeSpan.FromSeconds(10));
        await EventuallyAsync(async () => await queue.CountAsync("SELECT count(*) FROM jobs WHERE status = 'succeeded';") == 1, "the job to finish", Patience);

        var secondTool = File.ReadAllLines(queue.Folder.Combine("started.txt"))[1];
        CollectionAssert.AreEqual(new[] { secondTool }, File.ReadAllLines(queue.Folder.Combine("finished.txt")), "only the new owner's tool ran to its end");
        Assert.AreEqual("other", await queue.ScalarAsync("SELECT owner_host FROM jobs;"));
        Assert.AreEqual(1, await queue.CountAsync("SELECT count(*) FROM attempts;"), "the fenced-off worker recorded no attempt");
        paused.Kill();
        other.Kill();
        var said = await PostgresQueue.ExitedAsync(paused, TimeSpan.FromSeconds(30));
        StringAssert.Contains(said, "lost the lease of job");
    }

    [TestMethod]
    public async Task Workers_WhenTheirConnectionsAreCutAndTheServerStops_BackOffAndFinishEveryJobOnce()
    {
        await using var queue = await PostgresQueue.OnOwnServerAsync();
        await queue.SubmitAsync(150, name => $"sleep 0.05; echo {name} >> ran.txt");
        var workers = new[] { "a", "b" }.Select(host => queue.StartWorker(host, "--parallel", "2", "--lease", "10")).ToList();

        await EventuallyAsync(async () => await queue.CountAsync("SELECT count(*) FROM jobs WHERE status = 'succeeded';") >= 20, "work to be under way");
        await queue.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'orch';");
        await EventuallyAsync(async () => await queue.CountAsync("SELECT count(*) FROM jobs WHERE status = 'succeeded';") >= 60, "work to go on after the cut");
        await queue.OutageAsync(TimeSpan.FromSeconds(3));
        await EventuallyAsync(async () => await queue.CountAsync("SELECT count(*) FROM jobs WHERE status = 'succeeded';") == 150, "every job to finish", Patience);

        var ran = File.ReadAllLines(queue.Folder.Combine("ran.txt"));
        Assert.AreEqual(150, ran.Distinct().Count(), "none lost");
        Assert.HasCount(150, ran, "none ran twice");
        var exited = workers.Where(w => w.HasExited).ToList();
        Assert.IsEmpty(exited, "the workers rode out the outage: " + string.Join('\n', await Task.WhenAll(exited.Select(w => PostgresQueue.ExitedAsync(w, Patience)))));
        Assert.AreEqual(0, await queue.CountAsync("SELECT count(*) FROM jobs WHERE status <> 'succeeded';"));
    }

    [TestMethod]
    public async Task Commands_OnPostgres_NeitherPrintNorStoreThePassword_AndAServerOutOfReachIsAClearError()
    {
        await using var queue = await PostgresQueue.OnSharedServerAsync();
        const string Canary = "canary-pw-51d7e";
        // The test server trusts loopback, so any password logs in: what matters is where it ends up.
        var address = queue.Address.Replace("postgres://orch@", $"postgres://orch:{Canary}@", StringComparison.Ordinal);
        queue.Folder.Write("jobs/echo.yaml", "id: echo\ncommand: [sh, -c, 'echo \"db is $ORCH_DB\"']\n");
        var printed = new List<string>();
        foreach (var args in new[] { new[] { "job", "submit", "jobs" }, ["worker", "--drain"], ["status"], ["events", "--format", "json"], ["job", "list", "-v", "diag"] })
        {
            var (exit, output, error) = await OrchProcess.RunAsync(queue.Folder.Path, address, null, args);
            Assert.AreEqual(0, exit, $"{string.Join(' ', args)}: {error}");
            printed.Add(output + error);
        }

        var unreachable = await OrchProcess.RunAsync(queue.Folder.Path, $"postgres://orch:{Canary}@127.0.0.1:1/orch", null, "status");
        var logs = string.Join('\n', Directory.EnumerateFiles(queue.Folder.Combine(".orch"), "*", SearchOption.AllDirectories).Select(File.ReadAllText));

        StringAssert.Contains(printed[2], "database: postgres://orch@127.0.0.1:", "status names the server, without the password");
        Assert.IsFalse(printed.Any(p => p.Contains(Canary, StringComparison.Ordinal)), string.Join('\n', printed));
        StringAssert.Contains(logs, "db is postgres://orch:***@", "the job saw the address; its log did not keep the password");
        Assert.IsFalse(logs.Contains(Canary, StringComparison.Ordinal));
        Assert.AreEqual(0, await queue.CountAsync($"SELECT count(*) FROM events WHERE data LIKE '%{Canary}%';"));
        Assert.AreEqual(0, await queue.CountAsync($"SELECT count(*) FROM jobs WHERE spec LIKE '%{Canary}%' OR error LIKE '%{Canary}%';"));
        Assert.AreEqual(1, unreachable.Exit, unreachable.Err);
        StringAssert.Contains(unreachable.Err, "error ORCH2001: postgres://orch@127.0.0.1:1/orch is out of reach");
        Assert.IsFalse((unreachable.Out + unreachable.Err).Contains(Canary, StringComparison.Ordinal), unreachable.Err);
        Assert.IsFalse(unreachable.Err.Contains("   at ", StringComparison.Ordinal), "no stack trace");
    }

    [TestMethod]
    [DataRow("after-claim")]
    [DataRow("after-process-exit")]
    [DataRow("during-rescue")]
    public async Task Worker_KilledAtANamedStep_LeavesWorkThatAnotherWorkerFinishesOnce(string step)
    {
        await using var queue = await PostgresQueue.OnSharedServerAsync();
        await queue.SubmitAsync(3, name => $"echo {name} >> ran.txt");
        if (step == "during-rescue")
        {
            // A lease that ran out, for the crashing rescuer: a worker that claims and dies at once.
            var claimer = OrchProcess.Start(queue.Folder.Path, queue.Address,
                new Dictionary<string, string> { ["ORCH_HOST"] = "claimer", ["ORCH_CRASH_AT"] = "after-claim" }, "worker", "--lease", "3");
            Assert.AreEqual(137, await ExitCodeAsync(claimer));
            await Task.Delay(TimeSpan.FromSeconds(3.5));
        }

        var crashing = OrchProcess.Start(queue.Folder.Path, queue.Address,
            new Dictionary<string, string> { ["ORCH_HOST"] = "crashing", ["ORCH_CRASH_AT"] = step }, "worker", "--lease", "3");
        Assert.AreEqual(137, await ExitCodeAsync(crashing), $"killed itself at {step}");
        var survivor = queue.StartWorker("survivor", "--lease", "3");
        await EventuallyAsync(async () => await queue.CountAsync("SELECT count(*) FROM jobs WHERE status = 'succeeded';") == 3, "every job to finish", Patience);

        var ran = File.ReadAllLines(queue.Folder.Combine("ran.txt"));
        Assert.AreEqual(3, ran.Distinct().Count());
        // A job whose process exited before its worker died ran once and is started again: starts are at least once,
        // completions exactly once.
        Assert.AreEqual(step == "after-process-exit" ? 4 : 3, ran.Length, string.Join(", ", ran));
        Assert.AreEqual(3, await queue.CountAsync("SELECT count(*) FROM attempts;"), "one recorded attempt per job");
        survivor.Kill();
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        await PostgresQueue.ExitedAsync(process, Patience);
        return process.ExitCode;
    }

    private static void Signal(int pid, string signal) => Process.Start("kill", $"-{signal} {pid}")!.WaitForExit();

    private static void KillGroup(int pid) => Process.Start("kill", $"-KILL -- -{pid}")!.WaitForExit();

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? within = null) =>
        EventuallyAsync(() => Task.FromResult(condition()), what, within);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > (within ?? TimeSpan.FromSeconds(60)))
            {
                Assert.Fail($"timed out after {clock.Elapsed.TotalSeconds:0} s waiting for {what}");
            }

            await Task.Delay(100);
        }
    }
}
