using System.Diagnostics;
using Orch.Cli.Tests.Support;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Testing;

namespace Orch.Cli.Tests.Queue;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class WorkerProcessTests
{
    private static void WriteJobs(TempDirectory repo, int count, string body)
    {
        for (var i = 0; i < count; i++)
        {
            repo.Write($"jobs/job{i:D3}.yaml", $"id: job{i:D3}\ncommand: \"{body.Replace("NAME", $"job{i:D3}", StringComparison.Ordinal)}\"\n");
        }
    }

    private static async Task<SqliteStateStore> OpenAsync(TempDirectory repo) =>
        await SqliteStateStore.OpenAsync(repo.Combine(".orch", "state.db"), TimeProvider.System, CancellationToken.None);

    [TestMethod]
    public async Task TwoWorkers_OnOneDatabase_NeverRunTheSameJobTwice()
    {
        using var repo = new TempDirectory();
        WriteJobs(repo, 40, "echo NAME >> ledger.txt");
        var submit = await OrchRunner.RunAsync(repo, "job", "submit", "jobs");
        Assert.AreEqual(0, submit.Exit, submit.Err);

        var workers = new[] { OrchRunner.RunAsync(repo, "worker", "--drain", "--parallel", "2"), OrchRunner.RunAsync(repo, "worker", "--drain", "--parallel", "2") };
        var results = await Task.WhenAll(workers);

        Assert.IsTrue(results.All(r => r.Exit == 0), string.Join("\n", results.Select(r => r.Err)));
        var ledger = File.ReadAllLines(repo.Combine("ledger.txt"));
        Assert.HasCount(40, ledger, "every job ran, none twice");
        Assert.AreEqual(40, ledger.Distinct().Count());
        await using var store = await OpenAsync(repo);
        var jobs = await store.ListJobsAsync(new JobQuery(), CancellationToken.None);
        Assert.IsTrue(jobs.All(j => j.Status == JobStatus.Succeeded && j.Attempts == 1));
    }

    [TestMethod]
    public async Task Worker_KilledWithSigkillMidJob_NextWorkerFinishesEveryJobExactlyOnce()
    {
        using var repo = new TempDirectory();
        WriteJobs(repo, 5, "sleep 1; echo NAME >> ledger.txt");
        Assert.AreEqual(0, (await OrchRunner.RunAsync(repo, "job", "submit", "jobs")).Exit);

        using var first = OrchRunner.Start(repo, "worker");
        var (interrupted, process) = await WaitForRunningJobWithProcessAsync(repo, minimumDone: 1);
        first.Kill(entireProcessTree: false); // SIGKILL to the worker alone, as a crash would.
        await first.WaitForExitAsync();
        Assert.IsTrue(ProcessState.IsRunning(process.ProcessId), "the interrupted job's process should have outlived its worker");

        var second = await OrchRunner.RunAsync(repo, "worker", "--drain");

        Assert.AreEqual(0, second.Exit, second.Err);
        Assert.IsFalse(ProcessState.IsRunning(process.ProcessId), "the orphaned job process must be killed, not left to finish");
        var ledger = File.ReadAllLines(repo.Combine("ledger.txt"));
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 5).Select(i => $"job{i:D3}").ToArray(), ledger, "each job completed exactly once");
        await using var store = await OpenAsync(repo);
        var jobs = await store.ListJobsAsync(new JobQuery(), CancellationToken.None);
        Assert.IsTrue(jobs.All(j => j.Status == JobStatus.Succeeded));
        // Either the job was still running (killed, requeued, run again) or it had just finished (completed from its exit marker).
        var recovered = jobs.Single(j => j.Id == interrupted.Id);
        Assert.IsLessThanOrEqualTo(1, recovered.Recoveries);
        var kinds = (await store.ReadEventsAsync(recovered.Id, 0, 100, CancellationToken.None)).Select(e => e.Kind).ToArray();
        CollectionAssert.Contains(kinds, "job.recovered");
    }

    [TestMethod]
    public async Task Worker_KilledJustBeforeItsJobFinished_NextWorkerRecordsTheJobWithoutRunningItAgain()
    {
        using var repo = new TempDirectory();
        WriteJobs(repo, 1, "sleep 1; echo NAME >> ledger.txt");
        Assert.AreEqual(0, (await OrchRunner.RunAsync(repo, "job", "submit", "jobs")).Exit);

        using var first = OrchRunner.Start(repo, "worker");
        var (interrupted, _) = await WaitForRunningJobWithProcessAsync(repo, minimumDone: 0);
        first.Kill(entireProcessTree: false);
        await first.WaitForExitAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(repo.Combine("ledger.txt")) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        var second = await OrchRunner.RunAsync(repo, "worker", "--drain");

        Assert.AreEqual(0, second.Exit, second.Err);
        CollectionAssert.AreEqual(new[] { "job000" }, File.ReadAllLines(repo.Combine("ledger.txt")), "the job did its work once; it must not run again");
        await using var store = await OpenAsync(repo);
        var job = (await store.GetJobAsync(interrupted.Id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Succeeded, job.Status);
        Assert.AreEqual(0, job.Recoveries);
        CollectionAssert.Contains((await store.ReadEventsAsync(job.Id, 0, 100, CancellationToken.None)).Select(e => e.Kind).ToArray(), "job.recovered");
    }

    [TestMethod]
    public async Task Worker_StartsEveryJobUnderOneSupervisor_AsALeaderOfItsOwnSession_WithDefaultSignals_ItsOwnDescriptors_AndItsOutput()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only; elsewhere a shell around each job records its exit");
        }

        using var repo = new TempDirectory();
        // Quick jobs, many of which end before their start is even reported: each must still be heard of once.
        WriteJobs(repo, 24, "{ tr '\\\\0' ' ' < /proc/$PPID/cmdline; echo; echo $PPID; tr '\\\\0' '\\\\n' < /proc/$PPID/environ | grep -c '^DOTNET_TieredCompilation=0$'; } > parent-NAME");
        repo.Write("jobs/probe.yaml", """
            id: probe
            command: "echo pid $$; cut -d' ' -f6 /proc/$$/stat; grep -E '^Sig(Ign|Blk)' /proc/self/status; echo \"$PROBE\"; echo \"home $HOME\"; echo \"tiering ${DOTNET_TieredCompilation-unset}\"; pwd; echo oops >&2; echo \"stdin $(readlink /proc/$$/fd/0)\"; sleep 0.3; echo \"ledgered $(cat ../.orch/exits/*.exits | grep -c \" started $$ \")\""
            working_dir: sub dir
            env:
              PROBE: a b
              HOME: the job's own
            """);
        Directory.CreateDirectory(repo.Combine("sub dir"));
        repo.Write("jobs/fds.yaml", "id: fds\ncommand: [ls, /proc/self/fd]\n");
        Assert.AreEqual(0, (await OrchRunner.RunAsync(repo, "job", "submit", "jobs")).Exit);

        var worker = await OrchRunner.RunAsync(repo, "worker", "--drain", "--parallel", "2");

        Assert.AreEqual(0, worker.Exit, worker.Err);
        var parents = Enumerable.Range(0, 24).Select(i => File.ReadAllLines(repo.Combine($"parent-job{i:D3}"))).ToList();
        StringAssert.Contains(parents[0][0], "--orch-job-supervisor", "a job's parent is its worker's supervisor, not a shell of its own");
        Assert.AreEqual(1, parents.Select(p => p[1]).Distinct().Count(), "one supervisor starts every job of a worker");
        Assert.IsTrue(ProcessState.GoneWithin(int.Parse(parents[0][1], System.Globalization.CultureInfo.InvariantCulture)), "the supervisor ends with its worker");
        Assert.AreEqual("1", parents[0][2], "the supervisor runs without tiered compilation");

        await using var store = await OpenAsync(repo);
        var jobs = await store.ListJobsAsync(new JobQuery(), CancellationToken.None);
        Assert.AreEqual(24, jobs.Count(j => j.Spec.Name.StartsWith("job", StringComparison.Ordinal) && j.Status == JobStatus.Succeeded && j.Attempts == 1));
        var probe = jobs.Single(j => j.Spec.Name == "probe");
        Assert.AreEqual(JobStatus.Succeeded, probe.Status);
        var log = File.ReadAllLines(repo.Combine(".orch", "logs", $"{probe.Id}.log"));
        var pid = log.Single(l => l.StartsWith("pid ", StringComparison.Ordinal))["pid ".Length..];
        CollectionAssert.Contains(log, pid, "the session id is the job's own pid: it leads its session, so a kill takes its whole tree");
        foreach (var mask in log.Where(l => l.StartsWith("Sig", StringComparison.Ordinal)))
        {
            Assert.AreEqual(0UL, ulong.Parse(mask.Split(':')[1].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture), mask);
        }

        CollectionAssert.Contains(log, "a b", "the job's own environment");
        CollectionAssert.Contains(log, "home the job's own", "a job's own variable is set over the worker's");
        CollectionAssert.Contains(log, "stdin /dev/null", "a job given no input reads /dev/null, not a pipe");
        CollectionAssert.Contains(log, "ledgered 1", "the supervisor wrote the job's start to the exit ledger while the job ran, once");
        CollectionAssert.Contains(log, $"tiering {Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? "unset"}", "the worker's environment, not the supervisor's");
        CollectionAssert.Contains(log, repo.Combine("sub dir"), "the job's own working directory");
        CollectionAssert.Contains(log, "[stderr] oops", "its error output is read apart from its output");
        var fds = jobs.Single(j => j.Spec.Name == "fds");
        var listed = File.ReadAllLines(repo.Combine(".orch", "logs", $"{fds.Id}.log")).Where(l => l.Length > 0 && char.IsAsciiDigit(l[0])).ToArray();
        // 3 is the folder ls itself reads.
        CollectionAssert.AreEquivalent(new[] { "0", "1", "2", "3" }, listed, "no pipe of the supervisor or of another job leaks into a job");
    }

    [TestMethod]
    public async Task Worker_JobsWhoseExecFails_AmongOthers_FailSayingSo_AndEveryOtherJobRunsOnce()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var repo = new TempDirectory();
        // Executable, but no program: posix_spawn forks, the exec fails, and the C library collects that child itself. The
        // supervisor's reaper sees it end before anyone registered it, and must not wait for it.
        repo.Write("broken", "\u0001\u0002 not a program\n");
        File.SetUnixFileMode(repo.Combine("broken"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        for (var i = 0; i < 30; i++)
        {
            repo.Write($"jobs/job{i:D3}.yaml", i % 2 == 0
                ? $"id: job{i:D3}\ncommand: [\"{repo.Combine("broken")}\"]\n"
                : $"id: job{i:D3}\ncommand: \"echo job{i:D3} >> ledger.txt\"\n");
        }

        Assert.AreEqual(0, (await OrchRunner.RunAsync(repo, "job", "submit", "jobs")).Exit);

        var worker = await OrchRunner.RunAsync(repo, "worker", "--drain", "--parallel", "2").WaitAsync(TimeSpan.FromSeconds(90));

        Assert.AreEqual(1, worker.Exit, "some jobs failed: " + worker.Err);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 30).Where(i => i % 2 == 1).Select(i => $"job{i:D3}").ToArray(), File.ReadAllLines(repo.Combine("ledger.txt")));
        await using var store = await OpenAsync(repo);
        var jobs = await store.ListJobsAsync(new JobQuery(), CancellationToken.None);
        foreach (var job in jobs.Where(j => j.Spec.Command[0] == repo.Combine("broken")))
        {
            Assert.AreEqual(JobStatus.Failed, job.Status);
            StringAssert.Contains(job.Error, "could not start");
        }
    }

    [TestMethod]
    public async Task Worker_GivesAQueuedAiJobItsPromptOnStandardInput_ThroughItsSupervisor()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var repo = new TempDirectory();
        // A stand-in for the claude CLI that keeps what it read and the parent that started it.
        var fake = repo.Write("fake-claude", "#!/bin/sh\ncat > prompt-seen.txt\ntr '\\0' ' ' < /proc/$PPID/cmdline > parent-seen.txt\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        repo.Write(".orch/orch.yaml", $"tools:\n  claude:\n    executable: {fake}\n");
        repo.Write("jobs/ai.yaml", "id: ai\ntool: claude\nprompt: \"Read me, all of me\"\n");
        Assert.AreEqual(0, (await OrchRunner.RunAsync(repo, "job", "submit", "jobs")).Exit);

        await OrchRunner.RunAsync(repo, "worker", "--drain");

        StringAssert.Contains(File.ReadAllText(repo.Combine("parent-seen.txt")), "--orch-job-supervisor");
        Assert.AreEqual("Read me, all of me", File.ReadAllText(repo.Combine("prompt-seen.txt")), "a job with input gets a pipe, and the whole prompt on it");
    }

    // A running job and its process: a supervised job's is in its worker's exit ledger, anyone else's in the database.
    private static async Task<(JobRecord Job, ProcessIdentity Process)> WaitForRunningJobWithProcessAsync(TempDirectory repo, int minimumDone)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (File.Exists(repo.Combine(".orch", "state.db")))
            {
                await using var store = await OpenAsync(repo);
                var done = (await store.ListJobsAsync(new JobQuery(JobStatus.Succeeded), CancellationToken.None)).Count;
                foreach (var running in await store.ListJobsAsync(new JobQuery(JobStatus.Running), CancellationToken.None))
                {
                    var process = running.Process ?? (running.Owner is { } owner
                        && ExitLedger.Read(ExitLedger.PathFor(repo.Path, owner.Id)).Starts.TryGetValue(ExitLedger.KeyFor(running.Id, running.Recoveries), out var started)
                            ? started : null);
                    if (done >= minimumDone && process is not null)
                    {
                        return (running, process);
                    }
                }
            }

            await Task.Delay(50);
        }

        throw new AssertFailedException("the worker never started a job");
    }
}
