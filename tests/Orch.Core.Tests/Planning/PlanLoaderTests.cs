using Orch.Core.Planning;
using Orch.Testing;

namespace Orch.Core.Tests.Planning;

[TestClass]
public sealed class PlanLoaderTests
{
    private static string Legacy(string name) => TestData.Path("legacy", "workstreams", name);

    private static string[][] Waves(Plan plan) => WavePlanner.Plan(plan.Workstreams).Select(w => w.Workstreams.Select(ws => ws.Id).ToArray()).ToArray();

    [TestMethod]
    public void Load_LegacyBundlesWs01ToWs14_PlansTheWavesTheirDependsOnImplies()
    {
        using var dir = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(TestData.Path("legacy", "workstreams"), "ws-*.json").Where(f => !f.Contains("ws-abs", StringComparison.Ordinal)))
        {
            File.Copy(file, dir.Combine(Path.GetFileName(file)));
        }

        var plan = PlanLoader.Load(dir.Path);

        Assert.IsFalse(plan.HasErrors, string.Join('\n', plan.Diagnostics));
        Assert.HasCount(14, plan.Workstreams);
        var waves = Waves(plan);
        Assert.HasCount(3, waves);
        CollectionAssert.AreEqual(new[] { "ws-01-hardcoded-path-index", "ws-03-refactor-meta-section", "ws-04-refactor-gui-section", "ws-05-refactor-infra-ci",
            "ws-10-openspec-integration", "ws-11-spec-docs", "ws-12-error-shared-utils" }, waves[0]);
        CollectionAssert.AreEqual(new[] { "ws-02-section-mapping-config", "ws-06-refactor-aim-section", "ws-07-refactor-pm-ccpm", "ws-08-refactor-aider-section",
            "ws-13-refactor-error-plugins" }, waves[1]);
        CollectionAssert.AreEqual(new[] { "ws-09-refactor-spec-tools", "ws-14-refactor-error-engine" }, waves[2]);
    }

    [TestMethod]
    public void Load_LegacyFolderWithABrokenTemplate_ReportsItsPositionAndLoadsTheRest()
    {
        var plan = PlanLoader.Load(TestData.Path("legacy", "workstreams"));

        var error = plan.Diagnostics.Single(d => d.IsError);
        Assert.AreEqual($"{Legacy("ws-abs-001-tool-adapter.json")}:5:21: error ORCH1002: not valid JSON: '3' is an invalid start of a property name. Expected a '\"'", error.ToString());
        StringAssert.Contains(error.Hint, "unrendered template");
        Assert.HasCount(18, plan.Workstreams, "ws-01..ws-14, example_single and the three of example_multi");
        Assert.IsFalse(plan.Workstreams.Any(w => w.Id.Contains("schema", StringComparison.Ordinal)), "workstream.schema.json is a schema, not a workstream");
    }

    [TestMethod]
    public void Load_LegacyListPerFile_ReadsEachItemAndChainsThem()
    {
        var plan = PlanLoader.Load(Legacy("example_multi.json"));

        CollectionAssert.AreEqual(new[] { new[] { "ws-core-lib" }, new[] { "ws-api-layer" }, new[] { "ws-cli" } }.Select(a => string.Join(",", a)).ToArray(),
            Waves(plan).Select(a => string.Join(",", a)).ToArray());
        Assert.AreEqual("aider", plan.Workstreams[0].Edit.Tool);
    }

    [TestMethod]
    public void Load_LegacySingle_MapsToolTasksAcceptanceTestsAndBreaker()
    {
        var ws = PlanLoader.Load(Legacy("example_single.json")).Workstreams.Single();

        Assert.AreEqual("ws-hello-world", ws.Id);
        Assert.AreEqual("aider", ws.Edit.Tool);
        CollectionAssert.AreEqual(new[] { "Create a simple hello world module", "Add unit tests" }, ws.Edit.Tasks.ToArray());
        Assert.AreEqual("pytest -q -k test_hello", ws.Runtime!.Single().Command[0]);
        Assert.IsTrue(ws.Runtime!.Single().UseShell);
        Assert.AreEqual(3, ws.Loop.MaxAttempts);
        Assert.AreEqual(2, ws.Loop.OscillationThreshold);
    }

    [TestMethod]
    public void Load_Cycle_IsReportedWithItsPath()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("plan.yaml", "workstreams:\n  - {id: a, depends_on: [c]}\n  - {id: b, depends_on: [a]}\n  - {id: c, depends_on: [b]}\n");

        var plan = PlanLoader.Load(file);

        var cycle = plan.Diagnostics.Single(d => d.Code == PlanValidator.Cycle);
        Assert.AreEqual("dependency cycle: a -> c -> b -> a", cycle.Message);
        Assert.AreEqual(2, cycle.Line);
        Assert.IsEmpty(WavePlanner.Plan(plan.Workstreams));
    }

    [TestMethod]
    public void Load_UnknownDependency_SuggestsTheClosestId()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("plan.yaml", "workstreams:\n  - id: build-api\n  - id: docs\n    depends_on: [biuld-api]\n");

        var error = PlanLoader.Load(file).Diagnostics.Single(d => d.IsError);

        Assert.AreEqual(PlanValidator.UnknownDependency, error.Code);
        Assert.AreEqual("workstream 'docs' depends on unknown workstream 'biuld-api'; did you mean 'build-api'?", error.Message);
        Assert.AreEqual((4, 18), (error.Line, error.Column), "the message points at the depends_on entry, not at the workstream");
    }

    [TestMethod]
    public void Load_OverlappingScopesWithoutOrder_WarnAndFormAConflictGroup()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("plan.yaml", "workstreams:\n  - {id: a, files_scope: [src/]}\n  - {id: b, files_scope: [src/lib/x.cs]}\n  - {id: c, files_scope: [docs/]}\n");

        var plan = PlanLoader.Load(file);

        Assert.AreEqual(PlanValidator.OverlappingScope, plan.Diagnostics.Single().Code);
        Assert.IsFalse(plan.HasErrors, "an overlap is a warning");
        var group = WavePlanner.Plan(plan.Workstreams).Single().ConflictGroups.Single();
        CollectionAssert.AreEquivalent(new[] { "a", "b" }, group.ToArray());
    }

    [TestMethod]
    public void Load_V1Workstream_ReadsEditCommandsAndBreaker()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("ws.yaml", """
            id: calc
            title: Calculator
            files_scope: [src/]
            files_create: [src/new.cs]
            edit:
              tool: script
              command: [sh, edit.sh]
              prompt: Do it
              tasks: [one, two]
            static:
              - command: [dotnet, format]
                autofix: true
              - [dotnet, build]
            runtime:
              - dotnet test --nologo
            circuit_breaker: {max_attempts: 5, oscillation_window: 3, oscillation_threshold: 2}
            budget_usd: 1.5
            """);

        var ws = PlanLoader.Load(file).Workstreams.Single();

        Assert.AreEqual("script", ws.Edit.Tool);
        CollectionAssert.AreEqual(new[] { "sh", "edit.sh" }, ws.Edit.Command.ToArray());
        Assert.AreEqual("Do it\n\n- one\n- two", ws.Edit.Instruction());
        Assert.IsTrue(ws.Static![0].Autofix);
        CollectionAssert.AreEqual(new[] { "dotnet", "build" }, ws.Static[1].Command.ToArray());
        Assert.IsTrue(ws.Runtime![0].UseShell);
        Assert.AreEqual(5, ws.Loop.MaxAttempts);
        Assert.AreEqual(3, ws.Loop.OscillationWindow);
        Assert.AreEqual(1.5m, ws.BudgetUsd);
    }

    [TestMethod]
    public void Load_V1UnknownField_IsAnErrorWithASuggestion()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("ws.yaml", "id: a\ndepends_onn: []\n");

        var error = PlanLoader.Load(file).Diagnostics.Single();

        Assert.AreEqual($"{file}:2:1: error ORCH1004: unknown field 'depends_onn'; did you mean 'depends_on'?", error.ToString());
    }

    [TestMethod]
    public void Load_UetTaskSpec_LoadsAsTheWorkstreamConvertWrites()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("task.json", """
            {"task_id": "t-parse", "name": "Parse the config", "kind": "refactor", "depends_on": [],
             "execution": {"max_attempts": 4}}
            """);

        var plan = PlanLoader.Load(file);

        Assert.IsFalse(plan.HasErrors, string.Join('\n', plan.Diagnostics));
        var ws = plan.Workstreams.Single();
        Assert.AreEqual("t-parse", ws.Id);
        Assert.AreEqual(Orch.Abstractions.Adapters.Capability.Refactoring, ws.Edit.Capability, "the task kind maps to a capability");
        Assert.AreEqual(4, ws.Loop.MaxAttempts);
    }

    [TestMethod]
    public void Load_ScopeEntriesThatLeaveTheRepository_AreErrorsAtTheirLine()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("w.yaml", "id: w\nfiles_scope: [src/, ../x, /etc/passwd, src/../../outside/, docs/../README.md]\nfiles_create: [../new.txt]\nedit: {tool: aider}\n");

        var plan = PlanLoader.Load(file);

        var outside = plan.Diagnostics.Where(d => d.Code == "ORCH1010").ToList();
        CollectionAssert.AreEqual(new[] { "../x", "/etc/passwd", "src/../../outside/", "../new.txt" },
            outside.Select(d => d.Message.Split('\'')[1]).ToArray(), string.Join('\n', plan.Diagnostics));
        Assert.IsTrue(outside.All(d => d.IsError && d.File == file && d.Line is 2 or 3));
    }

    [TestMethod]
    public void Load_MistypedEditTool_IsAnErrorWithADidYouMean()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("w.yaml", "id: w\nedit:\n  tool: scirpt\n  command: [sh, x.sh]\n");

        var error = PlanLoader.Load(file).Diagnostics.Single(d => d.IsError);

        Assert.AreEqual("edit.tool 'scirpt' is not an edit tool; did you mean 'script'?", error.Message);
        Assert.AreEqual(3, error.Line);
    }

    [TestMethod]
    [DataRow("$(rm -rf ~)")]
    [DataRow("a;b")]
    [DataRow("`id`")]
    [DataRow("../escape")]
    [DataRow("name.lock")]
    [DataRow("a\\nb")]
    [DataRow("-starts-with-dash")]
    public void Load_IdThatCannotBeABranchName_IsAnError(string id)
    {
        using var dir = new TempDirectory();
        var file = dir.Write("w.yaml", $"id: \"{id}\"\nedit: {{tool: script, command: [sh, x.sh]}}\n");

        var plan = PlanLoader.Load(file);

        Assert.IsTrue(plan.Diagnostics.Any(d => d.IsError && d.Message.Contains("cannot name a git branch", StringComparison.Ordinal)),
            string.Join('\n', plan.Diagnostics));
    }

    [TestMethod]
    public void Describe_FolderWithOneBrokenFile_StillGivesTheOthersTheirWaves()
    {
        using var dir = new TempDirectory();
        dir.Write("plan/a.yaml", "id: a\nedit: {tool: script, command: [sh, x.sh]}\n");
        dir.Write("plan/b.yaml", "id: b\ndepends_on: [a]\nedit: {tool: script, command: [sh, x.sh]}\n");
        dir.Write("plan/c.yaml", "id: c\ndepends_on: [broken]\nedit: {tool: script, command: [sh, x.sh]}\n");
        dir.Write("plan/broken.yaml", "id: broken\nedit: {tool: script\n");

        var plan = PlanLoader.Load(dir.Combine("plan"));

        Assert.IsTrue(plan.HasErrors);
        CollectionAssert.AreEqual(new[] { new[] { "a", "c" }, new[] { "b" } }, Waves(plan), "the files that load get their waves");
    }
}
