using System.Diagnostics;
using System.Globalization;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.Signals;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP stop `run` and `worker` cleanly: the documented exit code (128 + the signal), the whole
/// process tree gone, and `resume` (or the next worker) finishing everything.
/// </summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class SignalTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("INT", 130)]
    [DataRow("TERM", 143)]
    [DataRow("HUP", 129)]
    public async Task Run_OnSignal_ExitsWithItsCodeKillsTheTreeAndResumeFinishes(string signal, int expected)
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["a/x.txt"] = "start\n",
            // The first EDIT hangs with a child of its own; once resumed, it finishes at once.
            ["edit.sh"] = "root=$(git rev-parse --show-toplevel)/../../../..\nif [ ! -f \"$root/first.pid\" ]; then sleep 600 & echo $! > \"$root/first.pid\"; wait; fi\necho \"edit a\" >> a/x.txt\n",
            ["plan.yaml"] = "workstreams:\n  - {id: a, files_scope: [a/], edit: {tool: script, command: [sh, edit.sh]}, static: [], runtime: []}\n",
        });
        var database = repo.Combine(".orch", "state.db");
        using var run = OrchProcess.Start(repo.Path, database, null, "run", "plan.yaml");
        var output = run.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
        var error = run.StandardError.ReadToEndAsync(TestContext.CancellationToken);
        var child = await WaitForPidAsync(repo.Combine("first.pid"));

        await SendAsync(signal, run.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await run.WaitForExitAsync(timeout.Token);

        Assert.AreEqual(expected, run.ExitCode, await output + await error);
        Assert.IsTrue(ProcessState.GoneWithin(child), "the job's own child died with it");
        Scenario.AssertNoProcessLeft(repo.Path, $"after SIG{signal}");
        Assert.AreEqual("cancelled", StateFile.Scalar(database, "SELECT status FROM runs;"));
        var resumed = await OrchProcess.RunAsync(repo.Path, database, null, "resume", StateFile.LatestRun(database)!);
        Assert.AreEqual(0, resumed.Exit, resumed.Out + resumed.Err);
        Assert.AreEqual("start\nedit a\n", File.ReadAllText(repo.Combine("a", "x.txt")));
    }

    [TestMethod]
    [DataRow("INT", 130)]
    [DataRow("TERM", 143)]
    [DataRow("HUP", 129)]
    public async Task Worker_OnSignal_PutsItsJobsBackForTheNextWorker(string signal, int expected)
    {
        using var repo = new TempDirectory();
        for (var i = 1; i <= 3; i++)
        {
            // Each job hangs until the test writes 'release'.
            repo.Write($"jobs/j{i}.yaml", $"id: j{i}\ncommand: \"if [ -f release ]; then exit 0; fi; echo $$ > started-j{i}; sleep 600\"\n");
        }

        Assert.AreEqual(0, (await OrchProcess.RunAsync(repo, "job", "submit", "jobs")).Exit);
        using var worker = OrchProcess.Start(repo, "worker", "--parallel", "2");
        var output = worker.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
        var error = worker.StandardError.ReadToEndAsync(TestContext.CancellationToken);
        var shells = new[] { await WaitForPidAsync(repo.Combine("started-j1")), await WaitForPidAsync(repo.Combine("started-j2")) };

        await SendAsync(signal, worker.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await worker.WaitForExitAsync(timeout.Token);

        Assert.AreEqual(expected, worker.ExitCode, await output + await error);
        Assert.IsTrue(shells.All(pid => ProcessState.GoneWithin(pid)), "the in-flight jobs were killed");
        Scenario.AssertNoProcessLeft(repo.Path, $"after SIG{signal}");
        var database = repo.Combine(".orch", "state.db");
        Assert.AreEqual("3", StateFile.Scalar(database, "SELECT count(*) FROM jobs WHERE status = 'queued';"), "unfinished jobs went back to the queue");
        Assert.AreEqual("2", StateFile.Scalar(database, "SELECT count(*) FROM jobs WHERE recoveries = 1;"), "the interrupted attempts were counted");

        repo.Write("release", "");
        var drained = await OrchProcess.RunAsync(repo, "worker", "--drain", "--parallel", "2");

        Assert.AreEqual(0, drained.Exit, drained.Out + drained.Err);
        Assert.AreEqual("3", StateFile.Scalar(database, "SELECT count(*) FROM jobs WHERE status = 'succeeded';"));
    }

    private static async Task<int> WaitForPidAsync(string file)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out var pid))
            {
                await Task.Delay(200);
                return pid;
            }

            await Task.Delay(50);
        }

        throw new AssertFailedException($"{file} never appeared");
    }

    private static async Task SendAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }
}
