using System.Diagnostics;
using System.Globalization;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.Slots;

/// <summary>
/// A worker's slots each run on a thread of their own and wait there for their job's start, output and exit, sent by
/// the worker's one supervisor on a pipe of the job's own: the same jobs, logs, limits and records as the other way.
/// </summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class WorkerSlotTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Worker_WithTwoSlots_RunsEachOnAThreadOfItsOwnUnderOneSupervisor_AndRecordsEachJobsOutputErrorAndExit()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var repo = new TempDirectory();
        // Two jobs hold both slots until the test has looked at the process tree.
        repo.Write("jobs/a-hold1.yaml", "id: hold1\ncommand: \"echo $$ > held1; while [ ! -f release ]; do sleep 0.05; done\"\n");
        repo.Write("jobs/a-hold2.yaml", "id: hold2\ncommand: \"echo $$ > held2; while [ ! -f release ]; do sleep 0.05; done\"\n");
        repo.Write("jobs/b-said.yaml", "id: said\ncommand: \"printf 'one\\\\ntwo\\\\r\\\\nthré€\\\\n'; echo oops >&2; printf 'no newline'\"\n");
        repo.Write("jobs/c-three.yaml", "id: three\ncommand: \"echo failing; exit 3\"\n");
        repo.Write("jobs/d-quiet.yaml", "id: quiet\ncommand: [true]\n");
        Assert.AreEqual(0, (await OrchProcess.RunAsync(repo, "job", "submit", "jobs")).Exit);

        using var worker = OrchProcess.Start(repo, "worker", "--drain", "--parallel", "2");
        var output = worker.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
        var error = worker.StandardError.ReadToEndAsync(TestContext.CancellationToken);
        var held = new[] { await WaitForPidAsync(repo.Combine("held1")), await WaitForPidAsync(repo.Combine("held2")) };
        var supervisors = held.Select(ParentOf).Distinct().ToList();
        var theirs = supervisors.All(pid => Arguments(pid).Contains("--orch-job-supervisor", StringComparison.Ordinal) && ParentOf(pid) == worker.Id);
        var threads = Directory.GetDirectories($"/proc/{worker.Id}/task").Select(task => File.ReadAllText(Path.Combine(task, "comm")).Trim()).ToList();
        repo.Write("release", "");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await worker.WaitForExitAsync(timeout.Token);

        Assert.AreEqual(1, worker.ExitCode, "one job failed: " + await output + await error);
        Assert.HasCount(1, supervisors, "the worker's one supervisor started both slots' jobs");
        Assert.IsTrue(theirs, "it is the worker's job supervisor");
        CollectionAssert.IsSubsetOf(new[] { "orch slot 0", "orch slot 1" }, threads, "each slot waits for its job on a thread of its own");
        var database = repo.Combine(".orch", "state.db");
        Assert.AreEqual("succeeded:4 failed:1", StateFile.Scalar(database,
            "SELECT group_concat(status || ':' || n, ' ') FROM (SELECT status, count(*) AS n FROM jobs GROUP BY status ORDER BY status DESC);"));
        Assert.AreEqual("3", StateFile.Scalar(database, "SELECT exit_code FROM jobs WHERE name = 'three';"));
        var said = File.ReadAllText(repo.Combine(".orch", "logs", StateFile.Scalar(database, "SELECT id FROM jobs WHERE name = 'said';") + ".log"));
        StringAssert.Contains(said, "one\ntwo\nthré€\n", "lines split on \\n and \\r\\n, multi-byte characters whole");
        StringAssert.Contains(said, "[stderr] oops\n");
        StringAssert.Contains(said, "no newline\n", "the last line without its newline is kept");
        StringAssert.EndsWith(said, "# exit code 0\n");
        Assert.IsFalse(File.Exists(repo.Combine(".orch", "logs", StateFile.Scalar(database, "SELECT id FROM jobs WHERE name = 'quiet';") + ".log")),
            "a quiet success leaves no log, as the other way");
        Assert.AreEqual("2", StateFile.Scalar(database, "SELECT count(*) FROM events WHERE kind = 'job.finished' AND job_id IN (SELECT id FROM jobs WHERE name IN ('said', 'three'));"));
        Scenario.AssertNoProcessLeft(repo.Path, "after the drain");
    }

    [TestMethod]
    public async Task Supervisor_WhenJobsEndBeforeTheirStartsAreRegistered_TellsEachStartFirst_AndEachExitOnce()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var repo = new TempDirectory();
        for (var i = 0; i < 6; i++)
        {
            repo.Write($"jobs/j{i}.yaml", $"id: j{i}\ncommand: \"echo j{i} >> ledger.txt; exit {i}\"\n");
        }

        Assert.AreEqual(0, (await OrchProcess.RunAsync(repo, "job", "submit", "jobs")).Exit);
        // Each job ends long before the supervisor registers its start: its reaper sees every exit first, and waits.
        var clock = Stopwatch.StartNew();
        using var worker = OrchProcess.Start(repo.Path, repo.Combine(".orch", "state.db"),
            new Dictionary<string, string> { ["ORCH_PAUSE_AT"] = $"{Orch.Core.Diagnostics.PausePoints.BeforeSupervisorRegisters}:150" },
            "worker", "--drain", "--parallel", "2");
        var output = worker.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
        var error = worker.StandardError.ReadToEndAsync(TestContext.CancellationToken);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                // An exit lost for want of its registration would leave the worker waiting for it for ever.
                await worker.WaitForExitAsync(timeout.Token);
            }
            finally
            {
                if (!worker.HasExited)
                {
                    worker.Kill(entireProcessTree: true);
                }
            }
        }

        Assert.IsGreaterThanOrEqualTo(450, clock.ElapsedMilliseconds, "three rounds of two starts, each held 150 ms before its registration");
        Assert.AreEqual(1, worker.ExitCode, "five of the jobs exit non-zero: " + await output + await error);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 6).Select(i => $"j{i}").ToArray(), File.ReadAllLines(repo.Combine("ledger.txt")), "each ran once");
        var database = repo.Combine(".orch", "state.db");
        Assert.AreEqual("j0:0:succeeded j1:1:failed j2:2:failed j3:3:failed j4:4:failed j5:5:failed", StateFile.Scalar(database,
            "SELECT group_concat(name || ':' || exit_code || ':' || status, ' ') FROM (SELECT * FROM jobs ORDER BY name);"), "each exit code as the job gave it");
        Assert.AreEqual("6", StateFile.Scalar(database, "SELECT count(*) FROM events WHERE kind = 'job.finished';"));
        Scenario.AssertNoProcessLeft(repo.Path, "after the drain");
    }

    [TestMethod]
    public async Task Worker_WhenAJobPrintsMoreThanItsPipesHold_ReadsBothStreamsWhileItRuns()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var repo = new TempDirectory();
        // 2 MB on each stream, interleaved: a reader that waited for one stream's end before the other would block the job.
        repo.Write("jobs/loud.yaml", "id: loud\ncommand: \"x=$(printf '%01000d' 0 | tr 0 x); y=$(printf '%01000d' 0 | tr 0 y); " +
            "for i in $(seq 1 16); do yes $x | head -n 130; yes $y | head -n 130 >&2; done\"\ntimeout_seconds: 60\n");
        Assert.AreEqual(0, (await OrchProcess.RunAsync(repo, "job", "submit", "jobs")).Exit);

        var drained = await OrchProcess.RunAsync(repo, "worker", "--drain", "--parallel", "2");

        Assert.AreEqual(0, drained.Exit, drained.Out + drained.Err);
        var database = repo.Combine(".orch", "state.db");
        Assert.AreEqual("succeeded", StateFile.Scalar(database, "SELECT status FROM jobs;"));
        var log = File.ReadAllLines(repo.Combine(".orch", "logs", StateFile.Scalar(database, "SELECT id FROM jobs;") + ".log"));
        Assert.AreEqual(16 * 130, log.Count(l => l == new string('x', 1000)), "every line of the output, whole");
        Assert.AreEqual(16 * 130, log.Count(l => l == "[stderr] " + new string('y', 1000)), "every line of the error, whole");
    }

    [TestMethod]
    public async Task Worker_WhenAJobOutlivesItsTimeout_KillsItsTreeOnTheSlotAndRecordsTheTimeout()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var repo = new TempDirectory();
        repo.Write("jobs/slow.yaml", "id: slow\ncommand: \"sleep 600 & echo $! > child; echo started; wait\"\ntimeout_seconds: 1\n");
        repo.Write("jobs/next.yaml", "id: next\ncommand: [true]\n");
        Assert.AreEqual(0, (await OrchProcess.RunAsync(repo, "job", "submit", "jobs")).Exit);

        var clock = Stopwatch.StartNew();
        var drained = await OrchProcess.RunAsync(repo, "worker", "--drain", "--parallel", "1");

        Assert.AreEqual(1, drained.Exit, "a job timed out: " + drained.Out + drained.Err);
        Assert.IsLessThan(TimeSpan.FromSeconds(30), clock.Elapsed, "the job was stopped at its timeout, not at its end");
        var database = repo.Combine(".orch", "state.db");
        Assert.AreEqual("timed_out", StateFile.Scalar(database, "SELECT status FROM jobs WHERE name = 'slow';"));
        Assert.AreEqual("succeeded", StateFile.Scalar(database, "SELECT status FROM jobs WHERE name = 'next';"), "the slot goes on after it");
        Assert.IsTrue(ProcessState.GoneWithin(int.Parse(File.ReadAllText(repo.Combine("child")).Trim(), CultureInfo.InvariantCulture)), "the job's own child died with it");
        StringAssert.Contains(File.ReadAllText(repo.Combine(".orch", "logs", StateFile.Scalar(database, "SELECT id FROM jobs WHERE name = 'slow';") + ".log")),
            "started\n# killed after 1 s (timeout)\n");
        Scenario.AssertNoProcessLeft(repo.Path, "after the timeout");
    }

    [TestMethod]
    public async Task Worker_WhenItsSupervisorIsKilled_FailsTheJobASlotHeldSayingWhy_AndTheSlotRunsTheRestTheOtherWay()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var repo = new TempDirectory();
        repo.Write("jobs/a-held.yaml", "id: held\ncommand: \"sleep 600 & echo $! > child; echo $$ > held; wait\"\n");
        repo.Write("jobs/b-after.yaml", "id: after\ncommand: \"echo after > after.txt\"\n");
        Assert.AreEqual(0, (await OrchProcess.RunAsync(repo, "job", "submit", "jobs")).Exit);

        using var worker = OrchProcess.Start(repo, "worker", "--drain", "--parallel", "1");
        var output = worker.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
        var error = worker.StandardError.ReadToEndAsync(TestContext.CancellationToken);
        var supervisor = ParentOf(await WaitForPidAsync(repo.Combine("held")));
        using (var kill = Process.Start("kill", ["-KILL", supervisor.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.CancellationToken);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await worker.WaitForExitAsync(timeout.Token);

        Assert.AreEqual(1, worker.ExitCode, "the held job failed: " + await output + await error);
        var database = repo.Combine(".orch", "state.db");
        Assert.AreEqual("failed", StateFile.Scalar(database, "SELECT status FROM jobs WHERE name = 'held';"));
        StringAssert.Contains(StateFile.Scalar(database, "SELECT error FROM jobs WHERE name = 'held';"), "job supervisor");
        Assert.IsTrue(ProcessState.GoneWithin(int.Parse(File.ReadAllText(repo.Combine("child")).Trim(), CultureInfo.InvariantCulture)),
            "what it ran is no longer watched, so it was killed");
        Assert.AreEqual("succeeded", StateFile.Scalar(database, "SELECT status FROM jobs WHERE name = 'after';"));
        Assert.AreEqual("after\n", File.ReadAllText(repo.Combine("after.txt")));
        Scenario.AssertNoProcessLeft(repo.Path, "after the supervisor died");
    }

    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static string Arguments(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    private static async Task<int> WaitForPidAsync(string file)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out var pid))
            {
                return pid;
            }

            await Task.Delay(50);
        }

        throw new AssertFailedException($"{file} never appeared");
    }
}
