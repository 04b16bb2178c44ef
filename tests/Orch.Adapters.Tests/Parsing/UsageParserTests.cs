using Orch.Adapters.Parsing;

namespace Orch.Adapters.Tests.Parsing;

[TestClass]
public sealed class UsageParserTests
{
    [TestMethod]
    public void Aider_SumsEveryMessageWithThousandsSuffixesAndCacheHits()
    {
        const string output = """
            Aider v0.86.1
            Tokens: 2.5k sent, 1.2k cache hit, 310 received. Cost: $0.03 message, $0.03 session.
            Applied edit to src/a.txt
            Tokens: 12k sent, 1.1k cache write, 3.2k cache hit, 1,045 received. Cost: $0.0456 message, $0.0756 session.
            """;

        var usage = AiderOutputParser.Parse(output, "gpt-4o")!;

        Assert.AreEqual(2500 + 1200 + 12000 + 3200, usage.InputTokens, "sent plus cache hits");
        Assert.AreEqual(4400, usage.CachedTokens);
        Assert.AreEqual(1355, usage.OutputTokens);
        Assert.AreEqual(0.0756m, usage.CostUsd, "the message costs, not the session total");
        Assert.AreEqual("gpt-4o", usage.Model);
    }

    [TestMethod]
    public void Aider_WithoutUsageLines_HasNoUsage() => Assert.IsNull(AiderOutputParser.Parse("nothing to do\n", null));

    [TestMethod]
    public void Codex_SumsTurnUsageAndReadsFileChangesAndTheLastMessage()
    {
        const string stream = """
            {"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}
            {"type":"turn.started"}
            {"type":"item.completed","item":{"id":"item_1","type":"file_change","changes":[{"path":"src/a.cs","kind":"update"},{"path":"src/b.cs","kind":"add"}],"status":"completed"}}
            {"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"Done."}}
            {"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}}
            {"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":0,"output_tokens":10}}
            """;

        var result = CodexEventParser.Parse(stream, "gpt-5");

        Assert.IsNull(result.Error);
        Assert.AreEqual(25763, result.Usage!.InputTokens);
        Assert.AreEqual(24448, result.Usage.CachedTokens);
        Assert.AreEqual(132, result.Usage.OutputTokens);
        Assert.IsNull(result.Usage.CostUsd, "codex reports tokens only; the price table prices them");
        CollectionAssert.AreEqual(new[] { "src/a.cs", "src/b.cs" }, result.ChangedFiles.ToArray());
        Assert.AreEqual("Done.", result.LastMessage);
    }

    [TestMethod]
    public void Codex_TurnFailed_IsTheError()
    {
        var result = CodexEventParser.Parse("""
            {"type":"turn.started"}
            {"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized"}}
            """, null);

        Assert.AreEqual("unexpected status 401 Unauthorized", result.Error);
    }

    [TestMethod]
    public void Codex_TruncatedLine_IsAnErrorNamingTheLine()
    {
        var result = CodexEventParser.Parse("{\"type\":\"turn.started\"}\n{\"type\":\"turn.completed\",\"usage\":{\"input_tok", null);

        StringAssert.StartsWith(result.Error, "codex printed truncated or invalid JSON on event line 2");
    }

    [TestMethod]
    public void Codex_OnlyReconnectErrors_ReportTheLastOne()
    {
        var result = CodexEventParser.Parse("""
            {"type":"turn.started"}
            {"type":"error","message":"Reconnecting... 5/5 (stream disconnected before completion)"}
            """, null);

        Assert.AreEqual("Reconnecting... 5/5 (stream disconnected before completion)", result.Error);
    }

    [TestMethod]
    public void Claude_Success_ReadsCostTokensAndModel()
    {
        const string json = """{"type":"result","subtype":"success","is_error":false,"result":"Fixed.","total_cost_usd":0.0312,"usage":{"input_tokens":1800,"cache_creation_input_tokens":200,"cache_read_input_tokens":12000,"output_tokens":420},"modelUsage":{"claude-sonnet-4-5-20250929":{"costUSD":0.0312}}}""";

        var result = ClaudeResultParser.Parse(json, null);

        Assert.IsNull(result.Error);
        Assert.AreEqual(0.0312m, result.Usage!.CostUsd);
        Assert.AreEqual(14000, result.Usage.InputTokens, "fresh, cache-write and cache-read input");
        Assert.AreEqual(12000, result.Usage.CachedTokens);
        Assert.AreEqual(420, result.Usage.OutputTokens);
        Assert.AreEqual("claude-sonnet-4-5-20250929", result.Usage.Model);
        Assert.AreEqual("Fixed.", result.Message);
    }

    [TestMethod]
    public void Claude_NotLoggedIn_IsAnError()
    {
        const string real = """{"type":"result","subtype":"success","is_error":true,"api_error_status":null,"duration_ms":61,"duration_api_ms":0,"num_turns":1,"result":"Not logged in · Please run /login","stop_reason":"stop_sequence","session_id":"5bf88f13-1e29-4e18-9f62-b28a8155aaf8","total_cost_usd":0,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0},"modelUsage":{},"permission_denials":[]}""";

        var result = ClaudeResultParser.Parse(real, null);

        Assert.AreEqual("Not logged in · Please run /login", result.Error);
        Assert.AreEqual(0m, result.Usage!.CostUsd);
    }

    [TestMethod]
    [DataRow("{\"type\":\"result\",\"is_error\":false,\"total_cost_usd\":0.0")]
    [DataRow("")]
    [DataRow("[1,2,3]")]
    public void Claude_TruncatedOrWrongOutput_IsAnError(string output) =>
        Assert.IsNotNull(ClaudeResultParser.Parse(output, null).Error);
}
