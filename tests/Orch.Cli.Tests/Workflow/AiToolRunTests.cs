using System.Text.Json;
using Orch.Cli.Tests.Support;
using Orch.Testing;

namespace Orch.Cli.Tests.Workflow;

/// <summary>Workstreams whose edit tools are the fake aider, codex and claude CLIs, run through the real dotnet orch.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class AiToolRunTests
{
    private static string Db(TestRepository repo) => repo.Combine(".orch", "state.db");

    /// <summary>Puts a wrapper for each fake on disk, sets its behaviour, and points .orch/orch.yaml at them.</summary>
    private static void InstallFakes(TestRepository repo, string extraSettings = "", params (string Tool, string Env)[] tools)
    {
        var settings = "tools:\n";
        foreach (var (tool, env) in tools)
        {
            var wrapper = repo.Write($".orch/fake-bin/{tool}",
                $"#!/bin/sh\necho {tool} >> {repo.Combine(".orch", "calls.txt")}\n{env} exec {TestData.Path("fake-tools", tool)} \"$@\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            settings += $"  {tool}:\n    executable: {wrapper}\n    model: {(tool == "claude" ? "claude-sonnet-4-5" : "gpt-5")}\n";
        }

        repo.Write(".orch/orch.yaml", settings + extraSettings);
    }

    private static string[] Calls(TestRepository repo) =>
        File.Exists(repo.Combine(".orch", "calls.txt")) ? File.ReadAllLines(repo.Combine(".orch", "calls.txt")) : [];

    private static JsonElement Last(string output) => JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;

    [TestMethod]
    public async Task Run_BudgetOfFiveCentsWithToolSpendingThreeCentsPerCall_StopsAfterTheSecondCallWithExitCode3()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        InstallFakes(repo, "", ("claude", "FAKE_COST=0.03 FAKE_EDIT='echo x >> src/a.txt'"));
        // The finding changes with every edit, so neither oscillation nor max_attempts stops the loop first.
        repo.Write("plan.yaml", "id: pricey\nfiles_scope: [src/]\nedit: {tool: claude, prompt: Make the check pass}\n" +
                                "static: [[sh, -c, 'echo \"src/a.txt:1:1: error E1: still $(wc -l < src/a.txt) lines\"; exit 1']]\nruntime: []\n" +
                                "circuit_breaker: {max_attempts: 10}\n");

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml", "--budget", "0.05", "--format", "json");

        Assert.AreEqual(3, exit, err);
        Assert.HasCount(2, Calls(repo), "EDIT spent $0.03, the first FIX $0.06 in all; no third call may start");
        var summary = Last(output);
        Assert.AreEqual(0.06m, summary.GetProperty("spent_usd").GetDecimal());
        Assert.AreEqual(0.05m, summary.GetProperty("budget_usd").GetDecimal());
        var ws = summary.GetProperty("workstreams")[0];
        Assert.AreEqual("budget", ws.GetProperty("stop_reason").GetString());
        Assert.AreEqual("spent $0.06 against the run budget of $0.05; no new AI job starts", ws.GetProperty("detail").GetString());
    }

    [TestMethod]
    public async Task Costs_OfARunWhoseFixLoopFixedTheFinding_ShowTheYieldPerFindingFixed()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "ok\n" });
        // The EDIT breaks the file (a finding the base commit does not have); the FIX, handed that finding, repairs it.
        InstallFakes(repo, "", ("claude",
            "FAKE_COST=0.03 FAKE_EDIT='if grep -q E1 \"$ORCH_FINDINGS_FILE\"; then echo good > src/a.txt; else echo bad > src/a.txt; fi'"));
        repo.Write("plan.yaml", "id: fixme\nfiles_scope: [src/]\nedit: {tool: claude, prompt: Make the check pass}\n" +
                                "static: [[sh, -c, 'if grep -q bad src/a.txt; then echo \"src/a.txt:1:1: error E1: still bad\"; exit 1; fi']]\nruntime: []\n");
        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml", "--format", "json");
        Assert.AreEqual(0, exit, output + err);

        var costs = await OrchRunner.RunAsync(repo.Path, Db(repo), "costs", Last(output).GetProperty("run_id").GetString()!, "--format", "json");

        SchemaAssert.Valid(Orch.Core.Schemas.SchemaCatalog.CostsOutput, costs.Out);
        var loop = JsonDocument.Parse(costs.Out).RootElement.GetProperty("fix_yield").EnumerateArray().Single();
        Assert.AreEqual("static", loop.GetProperty("phase").GetString());
        Assert.AreEqual("claude", loop.GetProperty("tool").GetString());
        Assert.AreEqual(1, loop.GetProperty("fix_rounds").GetInt32());
        Assert.AreEqual(1, loop.GetProperty("findings_before").GetInt32());
        Assert.AreEqual(0, loop.GetProperty("findings_after").GetInt32());
        Assert.AreEqual(1, loop.GetProperty("fixed").GetInt32());
        Assert.AreEqual(0.03m, loop.GetProperty("cost_usd").GetDecimal(), "the FIX call alone; the EDIT's $0.03 is not the loop's");
        Assert.AreEqual(0.03m, loop.GetProperty("cost_per_fixed_usd").GetDecimal());
    }

    [TestMethod]
    public async Task Costs_AfterARunWithEveryAiTool_TotalsMatchTheSumOfTheirCalls()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["a/x.txt"] = "a\n", ["b/x.txt"] = "b\n", ["c/x.txt"] = "c\n" });
        InstallFakes(repo, "", ("aider", "FAKE_COST=0.0125"), ("codex", "FAKE_INPUT=24763 FAKE_CACHED=24448 FAKE_OUTPUT=122"), ("claude", "FAKE_COST=0.0312"));
        repo.Write("plan.yaml", """
            workstreams:
              - {id: with-aider, files_scope: [a/], edit: {tool: aider, prompt: p}, static: [], runtime: []}
              - {id: with-codex, files_scope: [b/], edit: {tool: codex, prompt: p}, static: [], runtime: []}
              - {id: with-claude, files_scope: [c/], edit: {tool: claude, prompt: p}, static: [], runtime: []}
            """);
        var (runExit, runOutput, runErr) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml", "--format", "json");
        Assert.AreEqual(0, runExit, runErr + runOutput);
        var runId = Last(runOutput).GetProperty("run_id").GetString()!;

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "costs", runId, "--format", "json");

        Assert.AreEqual(0, exit, err);
        var report = JsonDocument.Parse(output).RootElement;
        // codex reports tokens only: (24763 - 24448) x $1.25 + 24448 x $0.125 + 122 x $10 per million tokens, at the built-in gpt-5 price.
        const decimal codex = 0.00467m;
        var byTool = report.GetProperty("by_tool").EnumerateArray().ToDictionary(t => t.GetProperty("tool").GetString()!, t => t.GetProperty("totals"));
        Assert.AreEqual(0.0125m, byTool["aider"].GetProperty("cost_usd").GetDecimal());
        Assert.AreEqual(codex, byTool["codex"].GetProperty("cost_usd").GetDecimal());
        Assert.AreEqual(0.0312m, byTool["claude"].GetProperty("cost_usd").GetDecimal());
        Assert.AreEqual(24763, byTool["codex"].GetProperty("input_tokens").GetInt64());
        Assert.AreEqual(24448, byTool["codex"].GetProperty("cached_tokens").GetInt64());
        var total = report.GetProperty("total");
        Assert.AreEqual(0.0125m + codex + 0.0312m, total.GetProperty("cost_usd").GetDecimal());
        Assert.AreEqual(3, total.GetProperty("calls").GetInt32());
        var byWorkstream = report.GetProperty("by_workstream").EnumerateArray().Sum(w => w.GetProperty("totals").GetProperty("cost_usd").GetDecimal());
        var byPhase = report.GetProperty("by_phase").EnumerateArray().ToList();
        Assert.AreEqual(total.GetProperty("cost_usd").GetDecimal(), byWorkstream);
        Assert.IsTrue(byPhase.All(p => p.GetProperty("phase").GetString() == "EDIT"));
    }

    [TestMethod]
    public async Task Run_ToolsThatCannotFix_EscalateFromAiderToCodexToClaudeThenNeedAttention()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        // aider's edit touches the file the check complains about, so the finding is the workstream's, not the base commit's.
        InstallFakes(repo, "", ("aider", "FAKE_EDIT='echo x >> src/a.txt'"), ("codex", ""), ("claude", ""));
        repo.Write("plan.yaml", "id: stuck\nfiles_scope: [src/]\n" +
                                "edit: {tool: aider, prompt: Fix it, escalation: [codex, claude], fix_attempts_per_tool: 1}\n" +
                                "static: [[sh, -c, 'echo \"src/a.txt:1:1: error E1: never fixed\"; exit 1']]\nruntime: []\n");

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml", "--format", "json");

        Assert.AreEqual(1, exit, err);
        CollectionAssert.AreEqual(new[] { "aider", "aider", "codex", "claude" }, Calls(repo), "EDIT and one FIX with aider, then one FIX each with codex and claude");
        var ws = Last(output).GetProperty("workstreams")[0];
        Assert.AreEqual("needs_attention", ws.GetProperty("status").GetString());
        Assert.AreEqual("needs_attention", ws.GetProperty("stop_reason").GetString());
        var escalations = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "event" && e.GetProperty("kind").GetString() == "workstream.escalated")
            .Select(e => $"{e.GetProperty("data").GetProperty("from").GetString()}->{e.GetProperty("data").GetProperty("to").GetString()}").ToArray();
        CollectionAssert.AreEqual(new[] { "aider->codex", "codex->claude" }, escalations);
    }

    [TestMethod]
    public async Task JobRun_LegacyAiderJobEscalatingToCodex_HandsTheMessageFileToCodexAfterItFails()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["PHASE_DEV_DOCS/AIDER_INSTRUCTIONS_PH07.txt"] = "Refactor the path resolver.\n" });
        InstallFakes(repo, "", ("codex", $"FAKE_STDIN_FILE={repo.Combine(".orch", "codex-stdin.txt")}"));
        var aider = repo.Write(".orch/fake-bin/aider", $"#!/bin/sh\necho aider >> {repo.Combine(".orch", "calls.txt")}\nFAKE_MODE=fail exec {TestData.Path("fake-tools", "aider")} \"$@\"\n");
        File.SetUnixFileMode(aider, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The real legacy aider job, with this repository's paths and the fake aider in place of the real one.
        var job = File.ReadAllText(TestData.LegacyJob("aider_job.json"))
            .Replace("C:/Users/richg/ALL_AI/Complete AI Development Pipeline – Canonical Phase Plan", ".", StringComparison.Ordinal)
            .Replace("\"exe\": \"aider\"", $"\"exe\": \"{aider}\"", StringComparison.Ordinal)
            .Replace("\"max_retries\": 3", "\"max_retries\": 0", StringComparison.Ordinal);
        repo.Write("aider_job.json", job);

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "job", "run", "aider_job.json", "--format", "json");

        Assert.AreEqual(0, exit, err + output);
        CollectionAssert.AreEqual(new[] { "aider", "codex" }, Calls(repo));
        Assert.AreEqual("Refactor the path resolver.", File.ReadAllText(repo.Combine(".orch", "codex-stdin.txt")).Trim());
        var summary = Last(output);
        Assert.AreEqual("succeeded", summary.GetProperty("status").GetString());
        StringAssert.Contains(summary.GetProperty("name").GetString(), "escalated from aider to codex");
    }

    [TestMethod]
    public async Task Run_EditToolNotInstalled_FailsBeforeAnyWorktreeWithTheInstallHint()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        repo.Write(".orch/orch.yaml", "tools:\n  codex:\n    executable: orch-no-such-codex\n");
        repo.Write("plan.yaml", "id: w\nedit: {tool: codex, prompt: p}\nstatic: []\nruntime: []\n");

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml", "--format", "json");

        Assert.AreEqual(2, exit, err + output);
        StringAssert.Contains(err, "plan.yaml:1: error ORCH3001: 'orch-no-such-codex', the edit tool of 'w', was not found");
        StringAssert.Contains(err, "npm install -g @openai/codex");
        Assert.IsFalse(Directory.Exists(repo.Combine(".orch", "worktrees")), "nothing ran");
    }

    [TestMethod]
    public async Task Tools_FormatJson_ListsEveryAdapterWithCapabilitiesAndAvailability()
    {
        using var dir = new TempDirectory();

        var (exit, output, _) = await OrchRunner.RunAsync(dir, "tools", "--format", "json");

        Assert.AreEqual(0, exit);
        var tools = JsonDocument.Parse(output).RootElement.GetProperty("tools").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t);
        CollectionAssert.IsSubsetOf(new[] { "aider", "codex", "claude", "script", "process", "git", "dotnet", "pytest", "ruff", "eslint" }, tools.Keys.ToArray());
        Assert.IsTrue(tools["git"].GetProperty("available").GetBoolean());
        Assert.IsFalse(string.IsNullOrEmpty(tools["dotnet"].GetProperty("version").GetString()));
        CollectionAssert.Contains(tools["codex"].GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToArray(), "code_generation");
    }
}
