using Orch.Core.Diagnostics;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.Crashes;

/// <summary>
/// Orch killed (as by SIGKILL) at each named step between a change outside the database and its record
/// (<c>ORCH_CRASH_AT</c>), then resumed: each window is tried every time, not by luck.
/// </summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class CrashPointTests
{
    private const int Killed = 128 + 9;

    [TestMethod]
    [DataRow(CrashPoints.AfterWorktreeAdd)]
    [DataRow(CrashPoints.AfterJobStart)]
    [DataRow(CrashPoints.AfterProcessExit)]
    [DataRow(CrashPoints.AfterCheckpoint)]
    [DataRow(CrashPoints.AfterMerge)]
    [DataRow("after-job-start@3")]
    [DataRow("after-checkpoint@2")]
    [DataRow("after-merge@3")]
    public async Task Run_KilledAtAStep_ResumeFinishesWithEachChangeMergedOnce(string step)
    {
        using var scenario = new Scenario();
        var (exit, output, error) = await scenario.OrchAsync(new Dictionary<string, string> { ["ORCH_CRASH_AT"] = step }, "run", "plan.yaml", "--parallel", "2");
        Assert.AreEqual(Killed, exit, $"the crash point {step} was reached:\n{output}\n{error}");
        StringAssert.Contains(error, $"killing this process at {step.Split('@')[0]}");
        var runId = scenario.LatestRun();
        Assert.IsNotNull(runId);

        var resumed = await scenario.OrchAsync(null, "resume", runId);

        var context = $"resume after {step}:\n{resumed.Out}\n{resumed.Err}";
        Assert.AreEqual(0, resumed.Exit, context);
        scenario.AssertConsistent(context);
        scenario.AssertAllMergedOnce(context);
    }

    [TestMethod]
    public async Task Worker_KilledAfterItsJobExited_NextWorkerCompletesItFromTheLedgerWithoutRunningItAgain()
    {
        using var repo = new TempDirectory();
        File.WriteAllText(repo.Combine("job.yaml"), "id: once\ncommand: \"echo ran >> runs.txt\"\n");
        var database = repo.Combine(".orch", "state.db");
        var submitted = await OrchProcess.RunAsync(repo.Path, database, null, "job", "submit", "job.yaml");
        Assert.AreEqual(0, submitted.Exit, submitted.Err);

        var (exit, _, error) = await OrchProcess.RunAsync(repo.Path, database,
            new Dictionary<string, string> { ["ORCH_CRASH_AT"] = CrashPoints.AfterProcessExit }, "worker", "--drain");
        Assert.AreEqual(Killed, exit, error);
        var ledgers = Directory.GetFiles(repo.Combine(".orch", "exits"));
        Assert.AreEqual(1, ledgers.Length, "the job's shell left its exit code in the dead worker's ledger");

        var next = await OrchProcess.RunAsync(repo.Path, database, null, "worker", "--drain");
        var status = await OrchProcess.RunAsync(repo.Path, database, null, "status", "--format", "json");

        Assert.AreEqual(0, next.Exit, next.Out + next.Err);
        Assert.AreEqual("ran\n", File.ReadAllText(repo.Combine("runs.txt")), "the job ran once, not again after its worker died");
        StringAssert.Contains(status.Out, "\"succeeded\":1");
        Assert.IsFalse(File.Exists(ledgers[0]), "once the dead worker's jobs are settled, its ledger goes");
    }

    [TestMethod]
    public async Task Run_KilledMidMergeConflict_ResumeAbortsTheHalfMergeAndReportsTheConflict()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["shared.txt"] = "one\n",
            // The workstream changes shared.txt, and meanwhile the target branch changes the same line: the merge must conflict.
            ["clash.sh"] = "echo workstream > shared.txt\nroot=$(git rev-parse --show-toplevel)/../../../..\necho main > \"$root/shared.txt\"\ngit -C \"$root\" commit -qam 'main moves on'\n",
            ["plan.yaml"] = "workstreams:\n  - {id: w, files_scope: [shared.txt], edit: {tool: script, command: [sh, clash.sh]}, static: [], runtime: []}\n",
        });
        var database = repo.Combine(".orch", "state.db");
        var crash = new Dictionary<string, string> { ["ORCH_CRASH_AT"] = CrashPoints.DuringMergeConflict };

        var (exit, _, error) = await OrchProcess.RunAsync(repo.Path, database, crash, "run", "plan.yaml");
        Assert.AreEqual(Killed, exit, error);
        Assert.IsTrue(File.Exists(repo.Combine(".git", "MERGE_HEAD")), "the kill came while the main tree was mid-merge");
        var runId = StateFile.LatestRun(database);

        var resumed = await OrchProcess.RunAsync(repo.Path, database, null, "resume", runId!);

        Assert.AreEqual(1, resumed.Exit, resumed.Out + resumed.Err);
        StringAssert.Contains(resumed.Out + resumed.Err, "merge_conflict");
        Assert.AreEqual("", repo.Git("status", "--porcelain", "--untracked-files=no"), "the half-done merge was aborted");
        Assert.AreEqual("main\n", File.ReadAllText(repo.Combine("shared.txt")));
    }
}
