using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orch.Cli.Tests.Support;
using Orch.Testing;

namespace Orch.Cli.Tests.Workflow;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class RunCommandTests
{
    private static string Db(TestRepository repo) => repo.Combine(".orch", "state.db");

    private static string Db(TempDirectory dir) => dir.Combine(".orch", "state.db");

    private static JsonElement LastJson(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return JsonDocument.Parse(lines[^1]).RootElement;
    }

    [TestMethod]
    public async Task Run_FormatJson_PrintsEventLinesThenASummaryThatStatusRepeats()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["ok.sh"] = "echo edited\n", ["bad.sh"] = "echo bad > bad.txt\n" });
        // two's check fails on what its edit wrote, so the failure is its own, not the base commit's.
        repo.Write("plan/w.yaml", "workstreams:\n  - {id: one, edit: {tool: script, command: [sh, ok.sh]}, static: [], runtime: []}\n  - {id: two, depends_on: [one], edit: {tool: script, command: [sh, bad.sh]}, static: [\"test ! -e bad.txt || exit 3\"], runtime: [], circuit_breaker: {max_attempts: 1}}\n");

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan", "--format", "json");

        Assert.AreEqual(1, exit, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.IsTrue(lines[..^1].All(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString() == "event"));
        var summary = LastJson(output);
        var runId = summary.GetProperty("run_id").GetString()!;
        var workstreams = summary.GetProperty("workstreams").EnumerateArray().Select(w =>
            $"{w.GetProperty("id").GetString()}:{w.GetProperty("status").GetString()}:{w.GetProperty("stop_reason").GetString()}:{w.GetProperty("attempts").GetInt32()}").ToArray();
        CollectionAssert.AreEqual(new[] { "one:succeeded:success:0", "two:failed:max_attempts:1" }, workstreams);

        var (statusExit, status, _) = await OrchRunner.RunAsync(repo.Path, Db(repo), "status", runId, "--format", "json");
        Assert.AreEqual(0, statusExit);
        var fromStatus = JsonDocument.Parse(status).RootElement;
        Assert.AreEqual(runId, fromStatus.GetProperty("run_id").GetString());
        CollectionAssert.AreEqual(workstreams, fromStatus.GetProperty("workstreams").EnumerateArray().Select(w =>
            $"{w.GetProperty("id").GetString()}:{w.GetProperty("status").GetString()}:{w.GetProperty("stop_reason").GetString()}:{w.GetProperty("attempts").GetInt32()}").ToArray());
    }

    [TestMethod]
    public async Task Run_CheckerThatIsNotInstalled_FailsWithExit2BeforeAnyWorktree()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["ok.sh"] = "echo edited\n" });
        repo.Write("plan.yaml", "id: w\nedit: {tool: script, command: [sh, ok.sh]}\nstatic: [[no-such-linter-zq, check, .], \"ruff-like-zq --fix && true\"]\nruntime: []\n");

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml");

        Assert.AreEqual(2, exit, output + err);
        StringAssert.Contains(err + output, "ORCH3001");
        StringAssert.Contains(err + output, "'no-such-linter-zq', a STATIC command of 'w', was not found");
        StringAssert.Contains(err + output, "'ruff-like-zq'", "the program a shell command starts is checked too");
        Assert.IsFalse(Directory.Exists(repo.Combine(".orch", "worktrees")), "nothing ran: no worktree was made");
    }

    [TestMethod]
    public async Task Run_KilledDuringRuntime_ResumeFinishesWithoutRerunningEdit()
    {
        using var outside = new TempDirectory();
        var editCount = outside.Combine("edit-count");
        var marker = outside.Combine("runtime-started");
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["src/a.txt"] = "a\n",
            ["edit.sh"] = $"echo edit >> {editCount}; echo b > src/a.txt\n",
        });
        // The first RUNTIME blocks; after the crash the marker exists and RUNTIME passes.
        repo.Write("plan.yaml", $"id: w\nfiles_scope: [src/]\nedit: {{tool: script, command: [sh, edit.sh]}}\nstatic: [\"true\"]\n" +
                                $"runtime: [\"if [ -f {marker} ]; then exit 0; fi; touch {marker}; sleep 600\"]\n");

        using var first = OrchRunner.Start(repo.Path, Db(repo), "run", "plan.yaml");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(marker) && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(50);
        }

        Assert.IsTrue(File.Exists(marker), "RUNTIME never started");
        first.Kill(entireProcessTree: false);
        await first.WaitForExitAsync();
        var runId = Directory.GetDirectories(repo.Combine(".orch", "runs")).Select(Path.GetFileName).Single()!;

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "resume", runId, "--format", "json");

        Assert.AreEqual(0, exit, err + output);
        Assert.AreEqual("succeeded", LastJson(output).GetProperty("status").GetString());
        Assert.HasCount(1, File.ReadAllLines(editCount), "EDIT ran once: resume must not repeat a finished phase");
        Assert.AreEqual("b\n", File.ReadAllText(repo.Combine("src", "a.txt")), "the workstream's change is merged after the resume");
        Assert.IsFalse(Process.GetProcessesByName("sleep").Any(p => ProcessCommandLine(p.Id).Contains(marker, StringComparison.Ordinal)),
            "the crashed run's RUNTIME process must be killed");
    }

    [TestMethod]
    public async Task Run_SamePlanTwiceAtOnce_RefusesTheSecondAndMergesOnce()
    {
        using var outside = new TempDirectory();
        var started = outside.Combine("started");
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        repo.Write("plan.yaml", $"id: w\nfiles_scope: [src/]\nedit: {{tool: script, command: [sh, -c, 'touch {started}; sleep 3; echo b > src/a.txt']}}\nstatic: []\nruntime: []\n");

        using var first = OrchRunner.Start(repo.Path, Db(repo), "run", "plan.yaml");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(started) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml");
        await first.WaitForExitAsync();

        Assert.AreEqual(2, exit, output + err);
        StringAssert.Contains(err, "error ORCH2004: plan.yaml is already being run by another Orch process (run ");
        Assert.AreEqual(0, first.ExitCode);
        Assert.HasCount(1, repo.Git("log", "--merges", "--format=%s").Split('\n'), "the plan merged once");
    }

    [TestMethod]
    public async Task Run_WhoseMergeIsBlockedByUncommittedChanges_SaysSo_AndResumeMergesAndRecordsItSucceeded()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "one\n", ["notes.txt"] = "mine\n" });
        repo.Write("plan.yaml", "id: w\nfiles_scope: [src/]\nedit: {tool: script, command: [sh, -c, 'echo two > src/a.txt']}\nstatic: []\nruntime: []\n");
        // The user's own uncommitted change to a tracked file: Orch must not merge over it.
        repo.Write("notes.txt", "mine, edited\n");

        var (exit, output, _) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml");
        var runId = Directory.GetDirectories(repo.Combine(".orch", "runs")).Select(Path.GetFileName).Single()!;
        repo.Git("commit", "-q", "-am", "my notes");
        var (resumeExit, _, resumeErr) = await OrchRunner.RunAsync(repo.Path, Db(repo), "resume", runId);
        var (_, status, _) = await OrchRunner.RunAsync(repo.Path, Db(repo), "status", runId, "--format", "json");

        Assert.AreEqual(1, exit, output);
        StringAssert.Contains(output, "w: merge blocked");
        Assert.DoesNotContain("merge conflict in \n", output, "no empty list of conflicting files");
        StringAssert.Contains(output, "uncommitted changes to tracked files");
        Assert.AreEqual(0, resumeExit, resumeErr);
        Assert.AreEqual("two\n", File.ReadAllText(repo.Combine("src", "a.txt")));
        StringAssert.Contains(status, "\"status\":\"succeeded\"");
        Assert.DoesNotContain("merge_conflict", status, "the record says what happened last, not the blocked merge");
    }

    [TestMethod]
    public async Task Run_ThatSucceeded_OffersNoResumeAndResumeSaysThereIsNothingToDo()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["ok.sh"] = "echo x > x.txt\n" });
        repo.Write("plan.yaml", "id: w\nedit: {tool: script, command: [sh, ok.sh]}\nstatic: []\nruntime: []\n");

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml");

        Assert.AreEqual(0, exit, err);
        Assert.IsFalse(output.Contains("resume", StringComparison.Ordinal), "a succeeded run has nothing to resume:\n" + output);
        var runId = Directory.GetDirectories(repo.Combine(".orch", "runs")).Select(Path.GetFileName).Single()!;
        var (resumeExit, resumed, resumeErr) = await OrchRunner.RunAsync(repo.Path, Db(repo), "resume", runId);
        Assert.AreEqual(0, resumeExit, resumeErr);
        StringAssert.Contains(resumed, $"run {runId} already succeeded");
        StringAssert.Contains(resumed, "there is nothing to resume");
    }

    [TestMethod]
    public async Task Worker_JobThatTimesOut_IsNamedWithItsReasonAndItsLogSaysTimeout()
    {
        using var dir = new TempDirectory();
        dir.Write("jobs/slow.yaml", "id: slow-job\ncommand: \"echo started; sleep 30\"\ntimeout_seconds: 1\n");
        dir.Write("jobs/ok.yaml", "id: ok-job\ncommand: \"echo fine\"\n");
        Assert.AreEqual(0, (await OrchRunner.RunAsync(dir, "job", "submit", "jobs")).Exit);

        var (exit, output, err) = await OrchRunner.RunAsync(dir, "worker", "--drain");

        Assert.AreEqual(1, exit, output + err);
        StringAssert.Contains(output, "(slow-job): timed_out: timed out after 1 s; the process tree was killed; log ");
        var log = Regex.Match(output, @"\(slow-job\).*; log (?<path>\S+)").Groups["path"].Value;
        var text = File.ReadAllText(log);
        StringAssert.Contains(text, "# killed after 1 s (timeout)");
        Assert.IsFalse(text.Contains("(cancelled)", StringComparison.Ordinal), text);
    }

    [TestMethod]
    public async Task Cleanup_RemovesMergedWorktreesAndKeepsUnmergedBranchesUnlessForced()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["ok.sh"] = "echo x > x.txt\n", ["bad.sh"] = "echo y > y.txt\n" });
        repo.Write("plan.yaml", "workstreams:\n  - {id: good, edit: {tool: script, command: [sh, ok.sh]}, static: [], runtime: []}\n" +
                                "  - {id: bad, edit: {tool: script, command: [sh, bad.sh]}, static: [\"test ! -e y.txt\"], runtime: [], circuit_breaker: {max_attempts: 1}}\n");
        var (runExit, _, runErr) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml", "--parallel", "2");
        Assert.AreEqual(1, runExit, runErr);
        Assert.HasCount(2, repo.Git("branch", "--list", "orch/*").Split('\n'));

        var (exit, output, _) = await OrchRunner.RunAsync(repo.Path, Db(repo), "cleanup", "--format", "json");

        Assert.AreEqual(0, exit);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.AreEqual("good", result.GetProperty("removed").EnumerateArray().Single().GetProperty("workstream").GetString());
        Assert.AreEqual("bad", result.GetProperty("kept").EnumerateArray().Single().GetProperty("workstream").GetString());
        StringAssert.Contains(repo.Git("branch", "--list", "orch/*"), "/bad");
        Assert.IsFalse(Directory.EnumerateDirectories(repo.Combine(".orch", "worktrees"), "*", SearchOption.AllDirectories).Any(d => d.EndsWith("good", StringComparison.Ordinal)));

        var (_, console, _) = await OrchRunner.RunAsync(repo.Path, Db(repo), "cleanup");
        StringAssert.Contains(console, "(bad): unmerged commits; use --force to delete", "people read a sentence, not a C# object");
        Assert.IsFalse(console.Contains("{ branch =", StringComparison.Ordinal), console);

        var (forcedExit, _, _) = await OrchRunner.RunAsync(repo.Path, Db(repo), "cleanup", "--force");
        Assert.AreEqual(0, forcedExit);
        Assert.AreEqual("", repo.Git("branch", "--list", "orch/*"), "--force deletes the unmerged branch too");
    }

    [TestMethod]
    public async Task Plan_LegacyBundlesAsJson_ListsTheWaves()
    {
        using var dir = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(TestData.Path("legacy", "workstreams"), "ws-1*.json"))
        {
            File.Copy(file, dir.Combine(Path.GetFileName(file)));
        }

        var (exit, output, err) = await OrchRunner.RunAsync(dir, "plan", dir.Path, "--format", "json");

        Assert.AreEqual(0, exit, err);
        var waves = JsonDocument.Parse(output).RootElement.GetProperty("waves").EnumerateArray()
            .Select(w => string.Join(",", w.GetProperty("workstreams").EnumerateArray().Select(x => x.GetString()))).ToArray();
        CollectionAssert.AreEqual(new[] { "ws-10-openspec-integration,ws-11-spec-docs,ws-12-error-shared-utils", "ws-13-refactor-error-plugins", "ws-14-refactor-error-engine" }, waves);
    }

    [TestMethod]
    public async Task Demo_GoesGreenThroughOneFixRoundInStaticAndInRuntime()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("demo");

        var (exit, output, err) = await OrchRunner.RunAsync(dir.Path, Path.Combine(target, ".orch", "state.db"), "demo", "--dir", target, "--format", "json");

        Assert.AreEqual(0, exit, err + output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.AreEqual("succeeded", lines[^1].GetProperty("status").GetString());
        var checks = lines.Where(l => l.GetProperty("type").GetString() == "event" && l.GetProperty("kind").GetString() == "phase.checked")
            .Select(l => l.GetProperty("data")).Select(d => $"{d.GetProperty("phase").GetString()}:{d.GetProperty("attempt").GetInt32()}:{d.GetProperty("passed").GetBoolean()}")
            .ToArray();
        CollectionAssert.AreEqual(new[] { "STATIC:1:False", "STATIC:2:True", "RUNTIME:1:False", "RUNTIME:2:True" }, checks);
        var calculator = File.ReadAllText(Path.Combine(target, "src", "Calc", "Calculator.cs"));
        StringAssert.Contains(calculator, "values.Sum() / values.Length");
        StringAssert.Contains(calculator, "Subtract");
        Assert.DoesNotContain("int unused;", calculator);
    }

    [TestMethod]
    public async Task Run_NoWorktree_RunsInPlaceAndCommitsCheckpointsOnTheCurrentBranch()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "one\n", ["edit.sh"] = "echo two > src/a.txt\n" });
        repo.Write("plan.yaml", "id: inplace\nfiles_scope: [src/]\nedit: {tool: script, command: [sh, edit.sh]}\nstatic: [\"true\"]\nruntime: []\n");

        var (exit, _, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml", "--no-worktree");

        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("two\n", File.ReadAllText(repo.Combine("src", "a.txt")));
        Assert.AreEqual("orch: inplace EDIT", repo.Git("log", "-1", "--format=%s"), "the checkpoint is on the current branch");
        Assert.IsFalse(Directory.Exists(repo.Combine(".orch", "worktrees")), "no worktree was made");
        Assert.AreEqual("", repo.Git("branch", "--list", "orch/*"));
        StringAssert.Contains(repo.Git("status", "--porcelain"), "?? plan.yaml", "the user's own untracked file is neither committed nor counted as a change");
    }

    [TestMethod]
    public async Task Run_DistributeWithNoWorktree_IsRefusedWithExitCode2_BeforeAnyRunExists()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "one\n" });
        repo.Write("plan.yaml", "id: inplace\nfiles_scope: [src/]\nedit: {tool: script, command: [sh, -c, 'true']}\nstatic: []\nruntime: []\n");

        var (exit, _, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml", "--no-worktree", "--distribute", "origin");

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--distribute");
        StringAssert.Contains(err, "--no-worktree");
        Assert.IsFalse(File.Exists(Db(repo)), "nothing was stored");
    }

    [TestMethod]
    public async Task Events_Follow_PrintsNewEventsUntilTheJobEnds()
    {
        using var repo = new TempDirectory();
        repo.Write("jobs/slow.yaml", "id: slow\ncommand: \"sleep 2; echo done\"\n");
        var submit = await OrchRunner.RunAsync(repo.Path, Db(repo), "job", "submit", "jobs", "--format", "json");
        var jobId = JsonDocument.Parse(submit.Out).RootElement.GetProperty("queued")[0].GetProperty("job_id").GetString()!;

        var follow = OrchRunner.RunAsync(repo.Path, Db(repo), "events", jobId, "--follow", "--format", "json");
        await Task.Delay(500);
        var worker = await OrchRunner.RunAsync(repo.Path, Db(repo), "worker", "--drain");
        var (exit, output, err) = await follow;

        Assert.AreEqual(0, worker.Exit, worker.Err);
        Assert.AreEqual(0, exit, err);
        var kinds = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("kind").GetString()).ToArray();
        CollectionAssert.AreEqual(new[] { "job.queued", "job.started", "attempt.started", "attempt.finished", "job.finished" }, kinds,
            "follow saw the job from its queueing to its end, then stopped by itself");
    }

    private static string ProcessCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
