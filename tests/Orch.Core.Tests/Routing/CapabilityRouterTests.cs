using Microsoft.Extensions.Time.Testing;
using Orch.Abstractions.Adapters;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Routing;

namespace Orch.Core.Tests.Routing;

[TestClass]
public sealed class CapabilityRouterTests
{
    private static readonly string[] Chain = ["claude", "codex", "aider"];

    [TestMethod]
    public void Route_FirstToolMissing_FallsBackAndRecordsWhy()
    {
        var router = new CapabilityRouter(tool => tool != "claude", _ => false);

        var decision = router.Route(Capability.CodeGeneration, Chain);

        Assert.AreEqual("codex", decision.Tool);
        CollectionAssert.AreEqual(new[] { new SkippedTool("claude", "not installed") }, decision.Skipped.ToArray());
        Assert.AreEqual("first available in the code_generation chain after claude (not installed)", decision.Why);
    }

    [TestMethod]
    public async Task Route_ToolWithAnOpenBreaker_IsPassedOverUntilItCloses()
    {
        var time = new FakeTimeProvider();
        var pipelines = new ToolPipelines(new ToolSettings(new Dictionary<string, ToolOptions>(), new ToolOptions { Breaker = new BreakerOptions { FailureThreshold = 2 } }), time, _ => default);
        var spec = new JobSpec { Name = "x", Tool = "claude", Command = ["claude"], RepositoryRoot = "/", WorkingDirectory = "/" };
        for (var i = 0; i < 2; i++)
        {
            await pipelines.ExecuteAsync(spec, _ => ValueTask.FromResult(new ToolResult { Succeeded = false }), (_, _) => { }, CancellationToken.None);
        }

        var router = new CapabilityRouter(_ => true, pipelines.IsOpen);
        var whileOpen = router.Route(Capability.CodeGeneration, Chain);
        time.Advance(TimeSpan.FromMinutes(1));
        var afterBreak = router.Route(Capability.CodeGeneration, Chain);

        Assert.AreEqual("codex", whileOpen.Tool);
        CollectionAssert.AreEqual(new[] { new SkippedTool("claude", "circuit breaker open") }, whileOpen.Skipped.ToArray());
        Assert.AreEqual("claude", afterBreak.Tool, "after the break the breaker lets a probe through");
    }

    [TestMethod]
    public void Route_ExplicitTool_WinsOverRouting()
    {
        var router = new CapabilityRouter(_ => false, _ => true);

        var decision = router.Route(Capability.CodeGeneration, Chain, explicitTool: "aider");

        Assert.AreEqual("aider", decision.Tool);
        Assert.IsEmpty(decision.Skipped);
    }

    [TestMethod]
    public void Route_NothingAvailable_SaysSo()
    {
        var decision = new CapabilityRouter(_ => false, _ => false).Route(Capability.Testing, ["pytest"]);

        Assert.IsNull(decision.Tool);
        Assert.AreEqual("no tool of the testing chain (pytest) is available", decision.Why);
    }
}
