using Orch.Abstractions.Adapters;
using Orch.Adapters.Ai;
using Orch.Core.Execution;
using Orch.Core.Secrets;
using Orch.Testing;

namespace Orch.Adapters.Tests.Ai;

/// <summary>Each AI adapter against a fake CLI that takes the real flags and prints the real format, as a real process.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class FakeCliTests
{
    private static string Fake(string tool) => TestData.Path("fake-tools", tool);

    private static async Task<(ToolResult Result, string[] Argv, string Stdin)> RunAsync(AiToolAdapter adapter, string mode = "ok", string? executable = null,
        TempDirectory? folder = null)
    {
        using var owned = folder is null ? new TempDirectory() : null;
        var dir = folder ?? owned!;
        var argvFile = dir.Combine("argv.txt");
        var stdinFile = dir.Combine("stdin.txt");
        var invocation = new ToolInvocation
        {
            JobId = "job-1",
            WorkingDirectory = dir.Path,
            Prompt = "Fix the failing test",
            Model = "gpt-5",
            ResultsDirectory = dir.Combine("results"),
            Executable = executable ?? Fake(adapter.Name),
            FilesInScope = ["src/a.txt"],
            Environment = new Dictionary<string, string> { ["FAKE_MODE"] = mode, ["FAKE_ARGV_FILE"] = argvFile, ["FAKE_STDIN_FILE"] = stdinFile },
        };
        var result = await adapter.RunAsync(invocation, new ProcessRunner(null, SecretRedactor.None, TimeProvider.System), CancellationToken.None);
        var argv = File.Exists(argvFile) ? File.ReadAllLines(argvFile) : [];
        var stdin = File.Exists(stdinFile) ? File.ReadAllText(stdinFile) : "";
        return (result, argv, stdin);
    }

    [TestMethod]
    [DataRow("aider")]
    [DataRow("codex")]
    [DataRow("claude")]
    public async Task Run_FakeCli_ReceivesExactlyTheArgvAndInstruction(string tool)
    {
        var adapter = Adapter(tool);
        using var dir = new TempDirectory();

        var (result, argv, stdin) = await RunAsync(adapter, folder: dir);

        Assert.IsTrue(result.Succeeded, result.Error);
        var expected = adapter.BuildArgv(new ToolInvocation
        {
            JobId = "job-1", WorkingDirectory = dir.Path, Model = "gpt-5", FilesInScope = ["src/a.txt"], Prompt = "Fix the failing test",
        }, Fake(tool), dir.Combine("results")).Skip(1).ToArray();
        CollectionAssert.AreEqual(expected, argv, $"expected: {string.Join(' ', expected)}\nactual:   {string.Join(' ', argv)}");
        Assert.AreEqual("Fix the failing test", stdin, "the instruction reaches the tool (message file for aider, stdin for codex and claude)");
    }

    [TestMethod]
    public async Task Aider_Output_GivesTokensAndReportedCost()
    {
        var (result, _, _) = await RunAsync(new AiderAdapter());

        Assert.AreEqual(new TokenUsage("gpt-5", 3700, 1200, 310, 0.03m), result.Usage);
    }

    [TestMethod]
    public async Task Codex_Output_GivesTurnUsageChangedFilesAndSummary()
    {
        var (result, _, _) = await RunAsync(new CodexAdapter());

        Assert.AreEqual(new TokenUsage("gpt-5", 24763, 24448, 122, null), result.Usage);
        StringAssert.Contains(result.OutputTail, "src/a.txt", "codex reports the file it changed");
        Assert.AreEqual("Fixed the findings.", result.Summary);
    }

    [TestMethod]
    public async Task Claude_Output_GivesCostTokensAndModel()
    {
        var (result, _, _) = await RunAsync(new ClaudeAdapter());

        Assert.AreEqual(new TokenUsage("gpt-5", 13800, 12000, 420, 0.03m), result.Usage);
    }

    [TestMethod]
    [DataRow("aider", "OPENAI_API_KEY")]
    [DataRow("codex", "OPENAI_API_KEY")]
    [DataRow("claude", "ANTHROPIC_API_KEY")]
    public async Task Run_MissingApiKey_FailsWithWhatToSet(string tool, string variable)
    {
        var (result, _, _) = await RunAsync(Adapter(tool), "no-key");

        Assert.IsFalse(result.Succeeded);
        StringAssert.Contains(result.Error, $"set {variable}");
    }

    [TestMethod]
    [DataRow("aider", "exited with code 2")]
    [DataRow("codex", "exited with code 1")]
    [DataRow("claude", "exited with code 3")]
    public async Task Run_NonZeroExit_Fails(string tool, string expected)
    {
        var (result, _, _) = await RunAsync(Adapter(tool), "fail");

        Assert.IsFalse(result.Succeeded);
        StringAssert.Contains(result.Error, expected);
    }

    [TestMethod]
    [DataRow("codex", "truncated or invalid JSON")]
    [DataRow("claude", "truncated or invalid JSON")]
    public async Task Run_TruncatedJson_FailsWithoutThrowing(string tool, string expected)
    {
        var (result, _, _) = await RunAsync(Adapter(tool), "truncated");

        Assert.IsFalse(result.Succeeded);
        StringAssert.Contains(result.Error, expected);
    }

    [TestMethod]
    [DataRow("aider", "aider-install")]
    [DataRow("codex", "npm install -g @openai/codex")]
    [DataRow("claude", "npm install -g @anthropic-ai/claude-code")]
    public async Task Run_MissingTool_GivesTheInstallHint(string tool, string hint)
    {
        var (result, _, _) = await RunAsync(Adapter(tool), executable: $"orch-missing-{tool}");

        Assert.IsFalse(result.Succeeded);
        StringAssert.Contains(result.Error, $"{tool} is not installed");
        StringAssert.Contains(result.Error, hint);
    }

    [TestMethod]
    public async Task Run_ExplicitCommandFromALegacyJob_RunsAsWrittenAndStillReadsUsage()
    {
        using var dir = new TempDirectory();
        var argvFile = dir.Combine("argv.txt");
        var invocation = new ToolInvocation
        {
            JobId = "job-legacy",
            WorkingDirectory = dir.Path,
            Command = [Fake("aider"), "--message-file", "PHASE_DEV_DOCS/AIDER_INSTRUCTIONS_PH07.txt", "--yes-always", "--no-suggest-shell-commands"],
            Environment = new Dictionary<string, string> { ["FAKE_ARGV_FILE"] = argvFile, ["FAKE_COST"] = "0.02" },
        };

        var result = await new AiderAdapter().RunAsync(invocation, new ProcessRunner(null, SecretRedactor.None, TimeProvider.System), CancellationToken.None);

        Assert.IsTrue(result.Succeeded, result.Error);
        CollectionAssert.AreEqual(new[] { "--message-file", "PHASE_DEV_DOCS/AIDER_INSTRUCTIONS_PH07.txt", "--yes-always", "--no-suggest-shell-commands" }, File.ReadAllLines(argvFile));
        Assert.AreEqual(0.02m, result.Usage!.CostUsd);
    }

    private static AiToolAdapter Adapter(string tool) => tool switch
    {
        "aider" => new AiderAdapter(),
        "codex" => new CodexAdapter(),
        _ => new ClaudeAdapter(),
    };
}
