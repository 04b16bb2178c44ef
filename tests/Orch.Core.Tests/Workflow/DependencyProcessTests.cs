using System.Text.Json;
using Orch.Core.Planning;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Core.Workflow;
using Orch.Testing;
using static Orch.Core.Tests.Support.PlanRuns;

namespace Orch.Core.Tests.Workflow;

/// <summary>Workstreams that build on each other, with real git repositories and script tools.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class DependencyProcessTests
{
    private static async Task<List<(string Kind, string Workstream, DateTimeOffset At, JsonElement Data)>> EventsAsync(IStateStore store, string runId) =>
        (await store.ReadEventsAsync(runId, 0, 10_000, CancellationToken.None))
        .Where(e => e.Data is not null && JsonDocument.Parse(e.Data).RootElement.TryGetProperty("workstream", out _))
        .Select(e =>
        {
            var data = JsonDocument.Parse(e.Data!).RootElement;
            return (e.Kind, data.GetProperty("workstream").GetString()!, e.Timestamp, data);
        }).ToList();

    private static async Task<string> BaseOfAsync(IStateStore store, string runId, string workstream) =>
        (await EventsAsync(store, runId)).First(e => e.Kind == "workstream.started" && e.Workstream == workstream).Data.GetProperty("base").GetString()!;

    [TestMethod]
    public async Task Run_DependentNeedsWhatItsDependencyAdds_BuildsOnItAndBothMerge()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["lib/api.txt"] = "old\n",
            ["app/use.txt"] = "\n",
            ["add-method.sh"] = "echo 'method NewThing' >> lib/api.txt\n",
            ["use-method.sh"] = "echo 'calls NewThing' > app/use.txt\n",
        });

        // ws-b's check is its "build": it passes only when the method ws-a adds is there.
        var (summary, store) = await RunAsync(repo, """
            workstreams:
              - {id: ws-a, files_scope: [lib/], edit: {tool: script, command: [sh, add-method.sh]}, static: [], runtime: []}
              - id: ws-b
                depends_on: [ws-a]
                files_scope: [app/]
                edit: {tool: script, command: [sh, use-method.sh]}
                static: ["grep -q NewThing lib/api.txt || { echo 'app/use.txt:1:1: error CS0117: NewThing is not defined'; exit 1; }"]
                runtime: []
                circuit_breaker: {max_attempts: 2}
            """);
        await using var _ = store;

        Assert.IsTrue(summary.Succeeded, Explain(summary));
        StringAssert.Contains(File.ReadAllText(repo.Combine("lib", "api.txt")), "method NewThing");
        Assert.AreEqual("calls NewThing\n", File.ReadAllText(repo.Combine("app", "use.txt")));
        var baseOfB = await BaseOfAsync(store, summary.RunId, "ws-b");
        repo.Git("merge-base", "--is-ancestor", $"orch/{summary.RunId}/ws-a", baseOfB);
        Assert.AreEqual(1, Outcome(summary, "ws-b").Attempts, "ws-b's check passed at once: it saw ws-a's change");
        var merges = repo.Git("log", "--merges", "--format=%s").Split('\n');
        CollectionAssert.AreEqual(new[] { $"orch: merge workstream ws-b ({summary.RunId})", $"orch: merge workstream ws-a ({summary.RunId})" }, merges);
    }

    [TestMethod]
    public async Task Run_Diamond_LastWorkstreamStartsOnBothMiddleChanges()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["a/x.txt"] = "\n", ["b/x.txt"] = "\n", ["c/x.txt"] = "\n", ["d/x.txt"] = "\n",
            ["mark.sh"] = "echo \"done by $ORCH_WORKSTREAM\" > \"$ORCH_WORKSTREAM/x.txt\"\n",
        });

        var (summary, store) = await RunAsync(repo, """
            workstreams:
              - {id: a, files_scope: [a/], edit: {tool: script, command: [sh, mark.sh]}, static: [], runtime: []}
              - {id: b, depends_on: [a], files_scope: [b/], edit: {tool: script, command: [sh, mark.sh]}, static: ["grep -q 'done by a' a/x.txt"], runtime: [], circuit_breaker: {max_attempts: 1}}
              - {id: c, depends_on: [a], files_scope: [c/], edit: {tool: script, command: [sh, mark.sh]}, static: ["grep -q 'done by a' a/x.txt"], runtime: [], circuit_breaker: {max_attempts: 1}}
              - id: d
                depends_on: [b, c]
                files_scope: [d/]
                edit: {tool: script, command: [sh, mark.sh]}
                static: ["grep -q 'done by b' b/x.txt && grep -q 'done by c' c/x.txt"]
                runtime: []
                circuit_breaker: {max_attempts: 1}
            """, new RunOptions { Parallel = 2 });
        await using var _ = store;

        Assert.IsTrue(summary.Succeeded, Explain(summary));
        var baseOfD = await BaseOfAsync(store, summary.RunId, "d");
        repo.Git("merge-base", "--is-ancestor", $"orch/{summary.RunId}/b", baseOfD);
        repo.Git("merge-base", "--is-ancestor", $"orch/{summary.RunId}/c", baseOfD);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            Assert.AreEqual($"done by {id}\n", File.ReadAllText(repo.Combine(id, "x.txt")));
        }
    }

    [TestMethod]
    public async Task Run_LongWorkstreamInOneBranch_DoesNotHoldUpAShortChainInAnother()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["long/x.txt"] = "\n", ["s1/x.txt"] = "\n", ["s2/x.txt"] = "\n", ["s3/x.txt"] = "\n",
            ["slow.sh"] = "sleep 8; echo slow > long/x.txt\n",
            ["quick.sh"] = "echo quick > \"$ORCH_WORKSTREAM/x.txt\"\n",
        });

        var (summary, store) = await RunAsync(repo, """
            workstreams:
              - {id: long, files_scope: [long/], edit: {tool: script, command: [sh, slow.sh]}, static: [], runtime: []}
              - {id: s1, files_scope: [s1/], edit: {tool: script, command: [sh, quick.sh]}, static: [], runtime: []}
              - {id: s2, depends_on: [s1], files_scope: [s2/], edit: {tool: script, command: [sh, quick.sh]}, static: [], runtime: []}
              - {id: s3, depends_on: [s2], files_scope: [s3/], edit: {tool: script, command: [sh, quick.sh]}, static: [], runtime: []}
            """, new RunOptions { Parallel = 2 });
        await using var _ = store;

        Assert.IsTrue(summary.Succeeded, Explain(summary));
        var events = await EventsAsync(store, summary.RunId);
        var longEnded = events.Single(e => e.Kind == "workstream.finished" && e.Workstream == "long").At;
        foreach (var id in new[] { "s2", "s3" })
        {
            var started = events.Single(e => e.Kind == "workstream.started" && e.Workstream == id).At;
            Assert.IsLessThan(longEnded, started, $"{id} started at {started:O}, after the long workstream ended at {longEnded:O}: a wave barrier held it");
        }

        var s3Merged = events.Single(e => e.Kind == "workstream.merged" && e.Workstream == "s3").At;
        Assert.IsLessThan(longEnded, s3Merged, "s3 merges as it finishes, not at the end of the run");
    }

    [TestMethod]
    public async Task Run_MergeBlockedByTheUsersUncommittedChange_FinishesOnResumeAfterTheyStash()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["README.md"] = "readme\n", ["src/a.txt"] = "a\n", ["docs/d.txt"] = "d\n",
            ["edit.sh"] = "echo changed > src/a.txt\n",
            ["child.sh"] = "grep -q changed src/a.txt && echo child > docs/d.txt\n",
        });
        repo.Write("README.md", "the user's own work in progress\n");

        var (summary, store) = await RunAsync(repo, """
            workstreams:
              - {id: w, files_scope: [src/], edit: {tool: script, command: [sh, edit.sh]}, static: [], runtime: []}
              - {id: child, depends_on: [w], files_scope: [docs/], edit: {tool: script, command: [sh, child.sh]}, static: [], runtime: []}
            """);
        await using var _ = store;

        var w = Outcome(summary, "w");
        Assert.AreEqual(StopReason.MergeConflict, w.StopReason, Explain(summary));
        StringAssert.Contains(w.Detail, "uncommitted changes");
        StringAssert.Contains(w.Detail, $"dotnet orch resume {summary.RunId}");
        Assert.AreEqual(StopReason.DependencyFailed, Outcome(summary, "child").StopReason);
        Assert.AreEqual("a\n", File.ReadAllText(repo.Combine("src", "a.txt")), "nothing merged into a dirty tree");

        repo.Git("stash");
        var resumed = await ResumeAsync(store, summary.RunId);

        Assert.IsTrue(resumed.Succeeded, Explain(resumed));
        Assert.AreEqual("changed\n", File.ReadAllText(repo.Combine("src", "a.txt")));
        Assert.AreEqual("child\n", File.ReadAllText(repo.Combine("docs", "d.txt")), "the dependent skipped before ran once the merge went through");
        repo.Git("stash", "pop");
        Assert.AreEqual("the user's own work in progress\n", File.ReadAllText(repo.Combine("README.md")));
    }

    [TestMethod]
    public async Task Run_MergeConflict_StopsOnlyThatWorkstreamAndItsDependentsAndResumeFinishesOnceResolved()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["f.txt"] = "original\n", ["other/o.txt"] = "\n", ["next/n.txt"] = "\n",
            ["ok.sh"] = "echo ok > \"$ORCH_WORKSTREAM/$(ls \"$ORCH_WORKSTREAM\")\"\n",
        });
        // While the workstream edits, the user commits their own change to the same line of the target branch.
        repo.Write("a.sh", $"echo from-a > f.txt; cd '{repo.Path}' && echo from-user > f.txt && git -c user.name=U -c user.email=u@x commit -qam user\n");
        repo.Git("add", "-A");
        repo.Git("commit", "-qm", "scripts");

        var (summary, store) = await RunAsync(repo, """
            workstreams:
              - {id: a, files_scope: [f.txt], edit: {tool: script, command: [sh, a.sh]}, static: [], runtime: []}
              - {id: next, depends_on: [a], files_scope: [next/], edit: {tool: script, command: [sh, ok.sh]}, static: [], runtime: []}
              - {id: other, files_scope: [other/], edit: {tool: script, command: [sh, ok.sh]}, static: [], runtime: []}
            """);
        await using var _ = store;

        var a = Outcome(summary, "a");
        Assert.AreEqual(StopReason.MergeConflict, a.StopReason, Explain(summary));
        StringAssert.Contains(a.Detail, "f.txt");
        Assert.AreEqual(StopReason.DependencyFailed, Outcome(summary, "next").StopReason);
        Assert.AreEqual(WorkstreamStatus.Succeeded, Outcome(summary, "other").Status, "a conflict stops only that workstream and its dependents");
        Assert.AreEqual("from-user\n", File.ReadAllText(repo.Combine("f.txt")));
        Assert.AreEqual("", repo.Git("status", "--porcelain", "--untracked-files=no"), "no half-merged files");
        Assert.IsFalse(File.Exists(repo.Combine(".git", "MERGE_HEAD")), "the merge was aborted");

        // The user resolves the conflict their way; resume sees the branch merged and runs the dependent.
        repo.Git("-c", "user.name=U", "-c", "user.email=u@x", "merge", "-q", "-s", "ours", "-m", "keep mine", $"orch/{summary.RunId}/a");
        var resumed = await ResumeAsync(store, summary.RunId);

        Assert.IsTrue(resumed.Succeeded, Explain(resumed));
        Assert.AreEqual("ok\n", File.ReadAllText(repo.Combine("next", "n.txt")));
    }

    [TestMethod]
    public async Task Run_NoMerge_DependentStartsOnItsDependenciesBranchesCombined()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["a/x.txt"] = "\n", ["b/x.txt"] = "\n", ["c/x.txt"] = "\n",
            ["mark.sh"] = "echo \"done by $ORCH_WORKSTREAM\" > \"$ORCH_WORKSTREAM/x.txt\"\n",
        });
        var head = repo.Git("rev-parse", "HEAD");

        var (summary, store) = await RunAsync(repo, """
            workstreams:
              - {id: a, files_scope: [a/], edit: {tool: script, command: [sh, mark.sh]}, static: [], runtime: []}
              - {id: b, files_scope: [b/], edit: {tool: script, command: [sh, mark.sh]}, static: [], runtime: []}
              - {id: c, depends_on: [a, b], files_scope: [c/], edit: {tool: script, command: [sh, mark.sh]}, static: ["grep -q 'done by a' a/x.txt && grep -q 'done by b' b/x.txt"], runtime: [], circuit_breaker: {max_attempts: 1}}
            """, new RunOptions { Merge = false });
        await using var _ = store;

        Assert.IsTrue(summary.Succeeded, Explain(summary));
        Assert.AreEqual(head, repo.Git("rev-parse", "HEAD"), "--no-merge leaves the target branch alone");
        Assert.AreEqual("done by c", repo.Git("show", $"orch/{summary.RunId}/c:c/x.txt"));
    }

    [TestMethod]
    public async Task Resume_AfterCtrlC_RunsTheCancelledWorkstreamAndThenItsDependents()
    {
        using var outside = new TempDirectory();
        var started = outside.Combine("started");
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["a/x.txt"] = "\n", ["b/x.txt"] = "\n",
            // The first run is interrupted while this sleeps; the resumed one finds the marker and finishes at once.
            ["slow.sh"] = $"if [ ! -e '{started}' ]; then touch '{started}'; sleep 60; fi; echo a > a/x.txt\n",
            ["b.sh"] = "grep -q a a/x.txt && echo b > b/x.txt\n",
        });
        var planFile = repo.Write(".orch/plan.yaml", """
            workstreams:
              - {id: a, files_scope: [a/], edit: {tool: script, command: [sh, slow.sh]}, static: [], runtime: []}
              - {id: b, depends_on: [a], files_scope: [b/], edit: {tool: script, command: [sh, b.sh]}, static: [], runtime: []}
            """);
        await using var store = await SqliteStateStore.OpenAsync(repo.Combine(".orch", "state.db"), TimeProvider.System, CancellationToken.None);
        using var ctrlC = new CancellationTokenSource();
        var run = Runner(store, null).RunAsync(PlanLoader.Load(planFile), repo.Path, new RunOptions(), null, ctrlC.Token);
        while (!File.Exists(started) && !run.IsCompleted)
        {
            await Task.Delay(50);
        }

        await ctrlC.CancelAsync();
        var interrupted = await run;
        Assert.IsTrue(interrupted.Cancelled);
        Assert.AreEqual(WorkstreamStatus.Cancelled, Outcome(interrupted, "a").Status, Explain(interrupted));
        Assert.AreNotEqual(WorkstreamStatus.Succeeded, Outcome(interrupted, "b").Status);

        var resumed = await ResumeAsync(store, interrupted.RunId);

        Assert.IsTrue(resumed.Succeeded, Explain(resumed));
        Assert.AreEqual("b\n", File.ReadAllText(repo.Combine("b", "x.txt")), "the dependent ran on resume instead of staying skipped");
    }
}
