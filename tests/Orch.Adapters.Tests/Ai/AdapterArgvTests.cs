using Orch.Abstractions.Adapters;
using Orch.Adapters.Ai;
using Orch.Testing;

namespace Orch.Adapters.Tests.Ai;

[TestClass]
public sealed class AdapterArgvTests
{
    private static ToolInvocation Invocation(string? model = "gpt-5", int? maxTurns = null) => new()
    {
        JobId = "job-1",
        WorkingDirectory = "/repo/wt",
        Prompt = "Fix it",
        Model = model,
        MaxTurns = maxTurns,
        FilesInScope = ["src/a.cs", "src/", "docs/**/*.md", "README.md"],
    };

    [TestMethod]
    public void Aider_BuildsMessageFileYesAlwaysNoAutoCommitsModelAndScopedFiles()
    {
        using var results = new TempDirectory();

        var argv = new AiderAdapter().BuildArgv(Invocation(), "/bin/aider", results.Path);

        CollectionAssert.AreEqual(new[]
        {
            "/bin/aider", "--message-file", results.Combine("aider-message.md"), "--yes-always", "--no-auto-commits", "--model", "gpt-5", "src/a.cs", "README.md",
        }, argv.ToArray());
        Assert.AreEqual("Fix it", File.ReadAllText(results.Combine("aider-message.md")));
    }

    [TestMethod]
    public void Aider_WithoutAModel_LeavesModelOut()
    {
        using var results = new TempDirectory();

        var argv = new AiderAdapter().BuildArgv(Invocation(model: null), "aider", results.Path);

        Assert.DoesNotContain("--model", argv);
    }

    [TestMethod]
    public void Codex_BuildsExecJsonWorkspaceWriteSandboxDirectoryModelAndLastMessage()
    {
        var argv = new CodexAdapter().BuildArgv(Invocation(), "/bin/codex", "/results");

        CollectionAssert.AreEqual(new[]
        {
            "/bin/codex", "exec", "--json", "-s", "workspace-write", "-C", "/repo/wt", "-m", "gpt-5", "--output-last-message", "/results/codex-last-message.txt", "-",
        }, argv.ToArray());
    }

    [TestMethod]
    public void Claude_BuildsPrintJsonAcceptEditsModelAndMaxTurns()
    {
        var argv = new ClaudeAdapter().BuildArgv(Invocation("claude-sonnet-4-5", maxTurns: 7), "/bin/claude", "/results");

        CollectionAssert.AreEqual(new[]
        {
            "/bin/claude", "-p", "--output-format", "json", "--permission-mode", "acceptEdits", "--model", "claude-sonnet-4-5", "--max-turns", "7",
        }, argv.ToArray());
    }

    [TestMethod]
    public void Claude_WithoutMaxTurns_UsesTheDefault()
    {
        var argv = new ClaudeAdapter().BuildArgv(Invocation(model: null), "claude", "/results");

        CollectionAssert.AreEqual(new[] { "claude", "-p", "--output-format", "json", "--permission-mode", "acceptEdits", "--max-turns", "20" }, argv.ToArray());
    }
}
