using System.Text.Json;
using Orch.Core.Execution;
using Orch.Core.Planning;
using Orch.Core.Profiles;
using Orch.Core.Serialization;
using Orch.Core.Settings;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Core.Workflow;
using Orch.Testing;
using static Orch.Core.Tests.Support.PlanRuns;

namespace Orch.Core.Tests.Workflow;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class PlanRunnerProcessTests
{
    [TestMethod]
    public async Task Run_ToolAlternatingBetweenTwoBrokenVersions_StopsWithOscillationBeforeMaxAttempts()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["src/a.txt"] = "ok\n",
            ["edit.sh"] = "if grep -q A src/a.txt; then echo B > src/a.txt; else echo A > src/a.txt; fi\n",
        });

        var (summary, store) = await RunAsync(repo, """
            id: flip
            files_scope: [src/]
            edit: {tool: script, command: [sh, edit.sh]}
            static:
              - [sh, -c, 'grep -q ok src/a.txt || { echo "src/a.txt:1:1: error E1: broken version $(cat src/a.txt)"; exit 1; }']
            runtime: []
            circuit_breaker: {max_attempts: 6, oscillation_window: 4, oscillation_threshold: 2}
            """);
        await using var _ = store;

        var flip = Outcome(summary, "flip");
        Assert.AreEqual(StopReason.Oscillation, flip.StopReason, flip.Detail);
        Assert.AreEqual(3, flip.Attempts, "A, B, then A again: stopped at the third check, before the sixth");
        var phase = (await store.ListPhasesAsync(summary.RunId, "flip", CancellationToken.None)).Single(p => p.Name == PhaseName.Static);
        Assert.AreEqual(StopReason.Oscillation, phase.StopReason);
    }

    [TestMethod]
    public async Task Run_ToolTouchingAFileOutsideItsScope_StopsWithScopeViolationAndLeavesMainUntouched()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["src/a.txt"] = "a\n",
            ["README.md"] = "readme\n",
            ["edit.sh"] = "echo changed > src/a.txt; echo hacked > README.md; echo new > secrets.txt\n",
        });
        var head = repo.Git("rev-parse", "HEAD");

        var (summary, store) = await RunAsync(repo, "id: sneaky\nfiles_scope: [src/]\nedit: {tool: script, command: [sh, edit.sh]}\nstatic: []\nruntime: []\n");
        await using var _ = store;

        var sneaky = Outcome(summary, "sneaky");
        Assert.AreEqual(StopReason.ScopeViolation, sneaky.StopReason);
        StringAssert.Contains(sneaky.Detail, "README.md, secrets.txt");
        Assert.AreEqual(head, repo.Git("rev-parse", "HEAD"), "main must not move");
        Assert.AreEqual("readme\n", File.ReadAllText(repo.Combine("README.md")));
        Assert.AreEqual("", repo.Git("status", "--porcelain", "--untracked-files=no"));
        var worktree = (await store.ListWorktreesAsync(summary.RunId, CancellationToken.None)).Single().Path;
        Assert.IsFalse(File.Exists(Path.Combine(worktree, "secrets.txt")), "the worktree is reset to its last checkpoint");
        Assert.AreEqual("a\n", File.ReadAllText(Path.Combine(worktree, "src", "a.txt")));
    }

    [TestMethod]
    public async Task Run_TwoWorkstreamsWithOverlappingScope_NeverOverlapInTime()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n", ["docs/d.txt"] = "d\n", ["slow.sh"] = "sleep 1\n" });

        var (summary, store) = await RunAsync(repo, """
            workstreams:
              - {id: one, files_scope: [src/], edit: {tool: script, command: [sh, slow.sh]}, static: [], runtime: []}
              - {id: two, files_scope: [src/a.txt], edit: {tool: script, command: [sh, slow.sh]}, static: [], runtime: []}
              - {id: free, files_scope: [docs/], edit: {tool: script, command: [sh, slow.sh]}, static: [], runtime: []}
            """, new RunOptions { Parallel = 3 });
        await using var _ = store;

        Assert.IsTrue(summary.Succeeded, string.Join("; ", summary.Workstreams.Select(w => w.Detail)));
        var spans = await SpansAsync(store, summary.RunId);
        Assert.IsTrue(spans["one"].End <= spans["two"].Start || spans["two"].End <= spans["one"].Start,
            $"one {spans["one"]} and two {spans["two"]} overlapped in time");
        var parallel = spans["free"].Start < spans["one"].End && spans["one"].Start < spans["free"].End
                       || spans["free"].Start < spans["two"].End && spans["two"].Start < spans["free"].End;
        Assert.IsTrue(parallel, "the workstream with a separate scope should run beside one of the others");
    }

    [TestMethod]
    public async Task Run_FailedWorkstream_SkipsOnlyItsDependentsAndSaysWhy()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["ok.sh"] = "true\n", ["bad.sh"] = "echo x > bad.txt\n" });

        var (summary, store) = await RunAsync(repo, """
            workstreams:
              - {id: base, edit: {tool: script, command: [sh, bad.sh]}, static: ["test ! -e bad.txt"], runtime: [], circuit_breaker: {max_attempts: 1}}
              - {id: child, depends_on: [base], edit: {tool: script, command: [sh, ok.sh]}, static: [], runtime: []}
              - {id: other, edit: {tool: script, command: [sh, ok.sh]}, static: [], runtime: []}
            """);
        await using var _ = store;

        Assert.AreEqual(StopReason.MaxAttempts, Outcome(summary, "base").StopReason);
        var child = Outcome(summary, "child");
        Assert.AreEqual(WorkstreamStatus.Skipped, child.Status);
        Assert.AreEqual(StopReason.DependencyFailed, child.StopReason);
        Assert.AreEqual("depends on 'base', which failed (max_attempts)", child.Detail);
        Assert.AreEqual(WorkstreamStatus.Succeeded, Outcome(summary, "other").Status);
    }

    [TestMethod]
    public async Task Run_FailFast_CancelsTheRestAtTheFirstFailure()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["ok.sh"] = "true\n", ["slow.sh"] = "sleep 30\n", ["bad.sh"] = "mkdir -p a && echo x > a/bad.txt\n" });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (summary, store) = await RunAsync(repo, """
            workstreams:
              - {id: bad, files_scope: [a/], edit: {tool: script, command: [sh, bad.sh]}, static: ["test ! -e a/bad.txt"], runtime: [], circuit_breaker: {max_attempts: 1}}
              - {id: slow, files_scope: [b/], edit: {tool: script, command: [sh, slow.sh]}, static: [], runtime: []}
              - {id: later, depends_on: [slow], files_scope: [c/], edit: {tool: script, command: [sh, ok.sh]}, static: [], runtime: []}
            """, new RunOptions { Parallel = 2, FailFast = true });
        await using var _ = store;

        Assert.IsLessThan(25, clock.Elapsed.TotalSeconds, "fail-fast must kill the slow workstream, not wait for it");
        Assert.AreEqual(WorkstreamStatus.Failed, Outcome(summary, "bad").Status);
        Assert.AreEqual(StopReason.Cancelled, Outcome(summary, "slow").StopReason);
        Assert.AreNotEqual(WorkstreamStatus.Succeeded, Outcome(summary, "later").Status);
    }

    [TestMethod]
    public async Task Run_SetupHookFailing_ShowsItsOutputAndFailsTheWorkstream()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["ok.sh"] = "true\n" });
        var settings = new ProjectSettings(ToolSettings.Empty, new WorktreeHooks { Setup = [PhaseCommand.Shell("echo restoring packages; echo 'feed unreachable' >&2; exit 7")] });

        var (summary, store) = await RunAsync(repo, "id: w\nedit: {tool: script, command: [sh, ok.sh]}\nstatic: []\nruntime: []\n", settings: settings);
        await using var _ = store;

        var w = Outcome(summary, "w");
        Assert.AreEqual(StopReason.SetupFailed, w.StopReason);
        StringAssert.Contains(w.Detail, "feed unreachable");
        StringAssert.Contains(w.Detail, "restoring packages");
    }

    [TestMethod]
    public async Task Run_Success_MergesCheckpointCommitsBackAndRecordsPhases()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["src/a.txt"] = "one\n",
            ["edit.sh"] = "if [ \"$ORCH_PHASE\" = EDIT ]; then echo two > src/a.txt; else echo three > src/a.txt; fi\n",
        });

        var (summary, store) = await RunAsync(repo, """
            id: grow
            files_scope: [src/]
            edit: {tool: script, command: [sh, edit.sh]}
            static: ["grep -q three src/a.txt || { echo 'src/a.txt:1:1: error G1: want three'; exit 1; }"]
            runtime: ["true"]
            """);
        await using var _ = store;

        Assert.IsTrue(summary.Succeeded, Outcome(summary, "grow").Detail);
        Assert.AreEqual("three\n", File.ReadAllText(repo.Combine("src", "a.txt")));
        var log = repo.Git("log", "--format=%s");
        StringAssert.Contains(log, "orch: grow EDIT");
        StringAssert.Contains(log, "orch: grow STATIC fix 1");
        StringAssert.Contains(log, "orch: merge workstream grow");
        var phases = await store.ListPhasesAsync(summary.RunId, "grow", CancellationToken.None);
        CollectionAssert.AreEqual(new[] { "EDIT:succeeded:1", "STATIC:succeeded:2", "RUNTIME:succeeded:1" },
            phases.Select(p => $"{OrchJson.EnumText(p.Name)}:{OrchJson.EnumText(p.Status)}:{p.Attempts}").ToArray());
    }

    [TestMethod]
    public async Task Run_FindingsTheBaseCommitHasToo_AreLeftAloneAndOnlyTheWorkstreamsOwnGoToFix()
    {
        // docs/old.txt carries a warning from before the workstream; src/a.txt gets one from the workstream's edit.
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["src/a.txt"] = "one\n",
            ["docs/old.txt"] = "old\n",
            ["edit.sh"] = "if [ \"$ORCH_PHASE\" = EDIT ]; then echo two > src/a.txt; else echo three > src/a.txt; fi\n",
        });

        var (summary, store) = await RunAsync(repo, """
            id: grow
            files_scope: [src/]
            edit: {tool: script, command: [sh, edit.sh]}
            static: ["echo 'docs/old.txt:1:1: warning W1: old news'; grep -q three src/a.txt || { echo 'src/a.txt:1:1: error G1: want three'; exit 1; }"]
            runtime: []
            """);
        await using var _ = store;

        var grow = Outcome(summary, "grow");
        Assert.IsTrue(summary.Succeeded, grow.Detail);
        Assert.AreEqual("1 baseline finding(s) (already on the base commit) left alone", grow.Detail);
        var sent = File.ReadAllText(Directory.EnumerateFiles(repo.Combine(".orch", "runs"), "static-fix-1.findings.json", SearchOption.AllDirectories).Single());
        StringAssert.Contains(sent, "want three");
        Assert.DoesNotContain("old news", sent, "a baseline finding never goes to FIX");
    }

    [TestMethod]
    public async Task Run_FixBaseline_SendsTheOldFindingsInsideTheScopeToFixButNotThoseOutside()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["src/a.txt"] = "old\n",
            ["docs/old.txt"] = "old\n",
            ["edit.sh"] = "if [ \"$ORCH_PHASE\" = FIX ]; then echo new > src/a.txt; fi\n",
        });

        var (summary, store) = await RunAsync(repo, """
            id: cleanup
            files_scope: [src/]
            fix_baseline: true
            edit: {tool: script, command: [sh, edit.sh]}
            static: ["echo 'docs/old.txt:1:1: warning W1: old news'; grep -q new src/a.txt || { echo 'src/a.txt:1:1: warning W2: still old'; exit 1; }"]
            runtime: []
            """);
        await using var _ = store;

        var cleanup = Outcome(summary, "cleanup");
        Assert.IsTrue(summary.Succeeded, cleanup.Detail);
        Assert.AreEqual("new\n", File.ReadAllText(repo.Combine("src", "a.txt")), "the old finding in the scope went to FIX");
        Assert.AreEqual("1 baseline finding(s) (already on the base commit) left alone", cleanup.Detail, "the one outside the scope stays baseline");
    }

    private static ProjectSettings RoutingSettings(params (string Capability, string Tool)[] routes) => ProjectSettings.Empty with
    {
        Tools = new ToolSettings(routes.ToDictionary(r => r.Tool, r => new ToolOptions { Executable = $"tools/{r.Tool}" })),
        Profile = new Profile { Id = "test", Routing = routes.ToDictionary(r => r.Capability, r => (IReadOnlyList<string>)[r.Tool]) },
    };

    private static Dictionary<string, string> RepositoryWithTools(params string[] tools)
    {
        var files = tools.ToDictionary(t => $"tools/{t}", _ => "#!/bin/sh\nexit 0\n");
        files["README.md"] = "readme\n";
        return files;
    }

    private static void MakeExecutable(TestRepository repo, params string[] tools)
    {
        foreach (var tool in tools)
        {
            File.SetUnixFileMode(repo.Combine("tools", tool), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [TestMethod]
    public async Task Run_ToolInstalledInsideTheRepository_IsRoutedWhateverTheCurrentFolder()
    {
        using var repo = new TestRepository(RepositoryWithTools("aider"));
        MakeExecutable(repo, "aider");
        using var elsewhere = new TempDirectory();
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = elsewhere.Path;
        try
        {
            var (summary, store) = await RunAsync(repo, """
                id: routed
                files_scope: [src/]
                edit: {capability: code_generation, prompt: add a file}
                static: []
                runtime: []
                """, settings: RoutingSettings(("code_generation", "aider")));
            await using var _ = store;

            var routing = (await store.ReadEventsAsync(summary.RunId, 0, 1000, CancellationToken.None)).Single(e => e.Kind == "routing.decided");
            StringAssert.Contains(routing.Data, "\"tool\":\"aider\"", "tools/aider is looked up in the repository, not in the process's current folder");
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [TestMethod]
    public async Task Run_ParallelWorkstreamsRoutedToDifferentTools_EachRoutingEventNamesItsOwnTool()
    {
        using var repo = new TestRepository(RepositoryWithTools("aider", "codex"));
        MakeExecutable(repo, "aider", "codex");
        var plan = string.Join('\n', Enumerable.Range(1, 6).Select(i => $$"""
            - id: ws{{i}}
              files_scope: [src/ws{{i}}/]
              edit: {capability: {{(i % 2 == 0 ? "refactoring" : "code_generation")}}, prompt: change}
              static: []
              runtime: []
            """));

        var (summary, store) = await RunAsync(repo, plan, new RunOptions { Parallel = 6 },
            RoutingSettings(("code_generation", "aider"), ("refactoring", "codex")));
        await using var _ = store;

        var routed = (await store.ReadEventsAsync(summary.RunId, 0, 1000, CancellationToken.None)).Where(e => e.Kind == "routing.decided")
            .Select(e => System.Text.Json.JsonDocument.Parse(e.Data!).RootElement)
            .ToDictionary(d => d.GetProperty("workstream").GetString()!, d => d.GetProperty("tool").GetString());
        Assert.HasCount(6, routed);
        foreach (var (workstream, tool) in routed)
        {
            var expected = int.Parse(workstream[2..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? "codex" : "aider";
            Assert.AreEqual(expected, tool, $"{workstream}'s routing event must carry its own decision, not another workstream's");
        }
    }

    [TestMethod]
    public async Task Resume_AfterCtrlCInAFixLoop_GoesOnFromTheLastFixCheckpointWithoutRepeatingIt()
    {
        using var outside = new TempDirectory();
        var fixes = outside.Combine("fixes");
        var blocked = outside.Combine("blocked");
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["src/a.txt"] = "start\n",
            ["edit.sh"] = $"if [ \"$ORCH_PHASE\" = FIX ]; then echo fix >> {fixes}; echo fixed > src/a.txt; else echo broken > src/a.txt; fi\n",
        });
        // Check 1 fails; FIX 1 commits "STATIC fix 1"; check 2 blocks until the run is cancelled, then passes on resume.
        var planFile = repo.Write(".orch/plan.yaml", $$"""
            id: w
            files_scope: [src/]
            edit: {tool: script, command: [sh, edit.sh]}
            static: ["grep -q fixed src/a.txt || { echo 'src/a.txt:1:1: error E1: broken'; exit 1; }; if [ ! -e {{blocked}} ]; then touch {{blocked}}; sleep 60; fi"]
            runtime: []
            """);
        await using var store = await SqliteStateStore.OpenAsync(repo.Combine(".orch", "state.db"), TimeProvider.System, CancellationToken.None);
        using var ctrlC = new CancellationTokenSource();
        var run = Runner(store, null).RunAsync(PlanLoader.Load(planFile), repo.Path, new RunOptions(), null, ctrlC.Token);
        while (!File.Exists(blocked) && !run.IsCompleted)
        {
            await Task.Delay(50);
        }

        await ctrlC.CancelAsync();
        var interrupted = await run;
        Assert.IsTrue(interrupted.Cancelled, Explain(interrupted));

        var resumed = await ResumeAsync(store, interrupted.RunId);

        Assert.IsTrue(resumed.Succeeded, Explain(resumed));
        Assert.HasCount(1, File.ReadAllLines(fixes), "FIX 1 was committed before Ctrl-C: resume must not run it again");
        var events = await store.ReadEventsAsync(interrupted.RunId, 0, 10_000, CancellationToken.None);
        var resets = events.Where(e => e.Kind == "workstream.reset").Select(e => JsonDocument.Parse(e.Data!).RootElement.GetProperty("checkpoint").GetString()).ToList();
        var fixCommit = repo.Git("log", "--format=%H", "--grep", "STATIC fix 1", $"orch/{interrupted.RunId}/w");
        CollectionAssert.AreEqual(new[] { fixCommit }, resets, "resume reset to the FIX checkpoint, not to EDIT's");
        var checks = events.Where(e => e.Kind == "phase.checked").Select(e => JsonDocument.Parse(e.Data!).RootElement.GetProperty("attempt").GetInt32()).ToList();
        CollectionAssert.AreEqual(new[] { 1, 3 }, checks, "check 2 was cut short; the resumed run goes on with check 3");
    }

    private static async Task<Dictionary<string, (DateTimeOffset Start, DateTimeOffset End)>> SpansAsync(IStateStore store, string runId)
    {
        var spans = new Dictionary<string, (DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var e in await store.ReadEventsAsync(runId, 0, 10_000, CancellationToken.None))
        {
            if (e.Kind is not ("workstream.started" or "workstream.finished"))
            {
                continue;
            }

            var id = JsonDocument.Parse(e.Data!).RootElement.GetProperty("workstream").GetString()!;
            spans[id] = e.Kind == "workstream.started" ? (e.Timestamp, DateTimeOffset.MaxValue) : (spans[id].Start, e.Timestamp);
        }

        return spans;
    }
}