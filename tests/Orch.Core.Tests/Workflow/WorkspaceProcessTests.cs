using System.Diagnostics;
using Orch.Core.Application;
using Orch.Core.Execution;
using Orch.Core.Planning;
using Orch.Core.Settings;
using Orch.Core.Workflow;
using Orch.Testing;
using static Orch.Core.Tests.Support.PlanRuns;

namespace Orch.Core.Tests.Workflow;

/// <summary>What a workstream's worktree holds besides its change: build outputs, hooks and their files, and tools that go silent.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class WorkspaceProcessTests
{
    private static ProjectSettings WithStall(string tool, TimeSpan quiet, WorktreeHooks? hooks = null) =>
        new(new ToolSettings(new Dictionary<string, ToolOptions> { [tool] = new() { StallTimeout = quiet } }), hooks ?? WorktreeHooks.None);

    [TestMethod]
    public async Task Run_DotnetBuildOutputInARepositoryWithoutGitignore_IsNeitherCommittedNorAScopeViolation()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["Lib.csproj"] = "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup></Project>\n",
            ["src/Greeter.cs"] = "namespace Lib;\npublic static class Greeter { public static string Hello() => \"hello\"; }\n",
            ["edit.sh"] = "sed -i 's/hello/hello, world/' src/Greeter.cs\n",
        });
        Assert.IsFalse(File.Exists(repo.Combine(".gitignore")));

        // bin/ and obj/ land at the root, outside files_scope: counted, they would be a scope violation.
        var (summary, store) = await RunAsync(repo, """
            id: greet
            files_scope: [src/]
            edit: {tool: script, command: [sh, edit.sh]}
            static: [[dotnet, build, Lib.csproj, -nologo]]
            runtime: []
            """);
        await using var _ = store;

        Assert.IsTrue(summary.Succeeded, Explain(summary));
        var committed = repo.Git("ls-tree", "-r", "--name-only", "HEAD").Split('\n');
        Assert.IsFalse(committed.Any(f => f.StartsWith("bin/", StringComparison.Ordinal) || f.StartsWith("obj/", StringComparison.Ordinal)),
            string.Join(", ", committed));
        StringAssert.Contains(File.ReadAllText(repo.Combine("src", "Greeter.cs")), "hello, world");
        var worktree = (await store.ListWorktreesAsync(summary.RunId, CancellationToken.None)).Single().Path;
        Assert.IsTrue(Directory.Exists(Path.Combine(worktree, "obj")), "the build did write its output in the worktree");
    }

    [TestMethod]
    public async Task Run_FolderNamedLikeBuildOutputThatTheRepositoryTracks_StillCountsAsChange()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["bin/tool.sh"] = "echo tool\n",
            ["edit.sh"] = "echo 'echo new' > bin/new-tool.sh; mkdir -p src/obj && echo out > src/obj/cache.txt\n",
        });

        var (summary, store) = await RunAsync(repo, "id: w\nfiles_scope: [bin/, src/]\nedit: {tool: script, command: [sh, edit.sh]}\nstatic: []\nruntime: []\n");
        await using var _ = store;

        Assert.IsTrue(summary.Succeeded, Explain(summary));
        var committed = repo.Git("ls-tree", "-r", "--name-only", "HEAD").Split('\n');
        CollectionAssert.Contains(committed, "bin/new-tool.sh", "bin/ is tracked here: a new script in it is the workstream's change");
        CollectionAssert.DoesNotContain(committed, "src/obj/cache.txt");
    }

    [TestMethod]
    public async Task Run_EditToolThatGoesSilent_IsKilledAsStalledWithItsWholeTree()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            // Prints once, then waits with a child of its own; neither may outlive the stall.
            ["hang.sh"] = "echo thinking; sleep 127.25 & echo $! > \"$ORCH_WORKTREE/../child.pid\"; sleep 127.5\n",
        });

        var clock = Stopwatch.StartNew();
        var (summary, store) = await RunAsync(repo, "id: quiet\nedit: {tool: script, command: [sh, hang.sh]}\nstatic: []\nruntime: []\n",
            settings: WithStall("script", TimeSpan.FromSeconds(2)));
        await using var _ = store;

        var quiet = summary.Workstreams.Single();
        Assert.AreEqual(StopReason.Stalled, quiet.StopReason, Explain(summary));
        StringAssert.Contains(quiet.Detail, "printed nothing for 2 s");
        Assert.IsLessThan(12, clock.Elapsed.TotalSeconds, $"killed after {clock.Elapsed}, not at the 2 s stall time plus a few seconds");
        var worktree = (await store.ListWorktreesAsync(summary.RunId, CancellationToken.None)).Single().Path;
        var child = int.Parse(File.ReadAllText(Path.Combine(worktree, "..", "child.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsTrue(ProcessState.GoneWithin(child), "the tool's own child was left running");
        var jobs = await store.ListJobsAsync(new Orch.Core.Storage.JobQuery(Orch.Core.Jobs.JobStatus.Stalled, summary.RunId), CancellationToken.None);
        Assert.HasCount(1, jobs);
    }

    [TestMethod]
    public async Task Run_CheckThatGoesSilent_StopsAsStalledInsteadOfAskingTheAiToFixIt()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["ok.sh"] = "echo edited\n" });

        var (summary, store) = await RunAsync(repo, "id: w\nedit: {tool: script, command: [sh, ok.sh]}\nstatic: [\"sleep 60\"]\nruntime: []\n",
            settings: WithStall("shell", TimeSpan.FromSeconds(1)));
        await using var _ = store;

        var w = summary.Workstreams.Single();
        Assert.AreEqual(StopReason.Stalled, w.StopReason, Explain(summary));
        StringAssert.Contains(w.Detail, "STATIC check 1");
        var edits = await store.ListJobsAsync(new Orch.Core.Storage.JobQuery(RunId: summary.RunId), CancellationToken.None);
        Assert.AreEqual(1, edits.Count(j => j.Spec.Tool == "script"), "no FIX round was started for a stalled check");
    }

    [TestMethod]
    public async Task Run_Hooks_RunAtTheirMomentsWithCopiedFilesAndLeaveNothingInTheChange()
    {
        using var outside = new TempDirectory();
        var log = outside.Combine("hooks.log");
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            [".gitignore"] = ".env\n",
            ["src/a.txt"] = "a\n",
            // The edit needs the copied, ignored .env and what setup made.
            ["edit.sh"] = "test -f .env && test -f setup-made.txt && echo edited > src/a.txt\n",
        });
        repo.Write(".env", "TOKEN=local\n");
        var hooks = new WorktreeHooks
        {
            Setup = [PhaseCommand.Shell($"echo setup >> {log}; echo cache > setup-made.txt")],
            BeforeRun = [PhaseCommand.Shell($"echo \"before_run $ORCH_PHASE $ORCH_ATTEMPT\" >> {log}; echo tmp > hook-made.txt")],
            AfterRun = [PhaseCommand.Shell($"echo \"after_run $ORCH_PHASE $ORCH_ATTEMPT\" >> {log}")],
            BeforeRemove = [PhaseCommand.Shell($"echo \"before_remove $ORCH_WORKSTREAM\" >> {log}")],
            Copy = [".env", "missing.local.json"],
        };
        var settings = new ProjectSettings(ToolSettings.Empty, hooks);

        var (summary, store) = await RunAsync(repo, "id: w\nfiles_scope: [src/]\nedit: {tool: script, command: [sh, edit.sh]}\nstatic: [\"true\"]\nruntime: [\"true\"]\n", settings: settings);
        await using var _ = store;

        Assert.IsTrue(summary.Succeeded, Explain(summary));
        CollectionAssert.AreEqual(new[]
        {
            "setup", "before_run EDIT 1", "after_run EDIT 1", "before_run STATIC 1", "after_run STATIC 1", "before_run RUNTIME 1", "after_run RUNTIME 1",
        }, File.ReadAllLines(log));
        var committed = repo.Git("ls-tree", "-r", "--name-only", "HEAD").Split('\n');
        CollectionAssert.DoesNotContain(committed, "setup-made.txt");
        CollectionAssert.DoesNotContain(committed, "hook-made.txt");
        CollectionAssert.DoesNotContain(committed, ".env");
        var events = await store.ReadEventsAsync(summary.RunId, 0, 1000, CancellationToken.None);
        Assert.AreEqual(7, events.Count(e => e.Kind == "hook.finished"));

        // cleanup reads the project's own orch.yaml, as a user's would be.
        repo.Write(".orch/orch.yaml", $"worktree:\n  before_remove: ['echo \"before_remove $ORCH_WORKSTREAM\" >> {log}']\n");
        await using var engine = new OrchEngineBuilder().ForRepository(repo.Path).UseDatabase(repo.Combine(".orch", "state.db")).Build();
        var cleanup = await engine.Plans.CleanupAsync(summary.RunId, force: false, CancellationToken.None);
        Assert.HasCount(1, cleanup.RemovedWorktrees, string.Join("; ", cleanup.KeptBranches));
        Assert.AreEqual("before_remove w", File.ReadAllLines(log)[^1]);
    }

    [TestMethod]
    public async Task Run_FailingBeforeRunHook_StopsTheWorkstreamWithItsOutput()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["ok.sh"] = "echo edited\n" });
        var settings = new ProjectSettings(ToolSettings.Empty, new WorktreeHooks
        {
            BeforeRun = [PhaseCommand.Shell("if [ \"$ORCH_PHASE\" = STATIC ]; then echo 'database container is not up' >&2; exit 4; fi")],
        });

        var (summary, store) = await RunAsync(repo, "id: w\nedit: {tool: script, command: [sh, ok.sh]}\nstatic: [\"true\"]\nruntime: []\n", settings: settings);
        await using var _ = store;

        var w = summary.Workstreams.Single();
        Assert.AreEqual(StopReason.HookFailed, w.StopReason, Explain(summary));
        StringAssert.Contains(w.Detail, "STATIC attempt 1: before_run hook");
        StringAssert.Contains(w.Detail, "database container is not up");
        var phases = await store.ListPhasesAsync(summary.RunId, "w", CancellationToken.None);
        Assert.AreEqual(PhaseStatus.Succeeded, phases.Single(p => p.Name == PhaseName.Edit).Status, "EDIT ran; the hook before STATIC stopped it");
    }
}
