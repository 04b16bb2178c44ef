using Microsoft.Extensions.Time.Testing;
using Orch.Abstractions.Adapters;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Polly.CircuitBreaker;

namespace Orch.Core.Tests.Execution;

[TestClass]
public sealed class ToolPipelinesTests
{
    private static readonly ToolResult Failure = new() { Succeeded = false, ExitCode = 1 };
    private static readonly ToolResult Success = new() { Succeeded = true, ExitCode = 0 };

    private static JobSpec Spec(int retries, bool jitter = false) => new()
    {
        Name = "t",
        Tool = "flaky",
        Command = ["x"],
        RepositoryRoot = "/",
        WorkingDirectory = "/",
        Retry = new RetrySettings { MaxRetries = retries, BaseDelay = TimeSpan.FromSeconds(1), UseJitter = jitter },
    };

    private static async Task<T> AdvanceUntilDone<T>(FakeTimeProvider time, Task<T> task)
    {
        while (!task.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1);
        }

        return await task;
    }

    [TestMethod]
    public async Task Execute_FailingAttempt_RetriesExactlyMaxRetriesWithDoublingDelays()
    {
        var time = new FakeTimeProvider();
        var pipelines = new ToolPipelines(ToolSettings.Empty, time, _ => default);
        var calls = 0;
        var delays = new List<TimeSpan>();

        var result = await AdvanceUntilDone(time, pipelines.ExecuteAsync(Spec(3), _ =>
        {
            calls++;
            return ValueTask.FromResult(Failure);
        }, (_, delay) => delays.Add(delay), CancellationToken.None).AsTask());

        Assert.IsFalse(result.Succeeded);
        Assert.AreEqual(4, calls, "one attempt plus three retries");
        CollectionAssert.AreEqual(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4) }, delays);
    }

    [TestMethod]
    public async Task Execute_WithJitter_KeepsDelaysPositiveAndBounded()
    {
        var time = new FakeTimeProvider();
        var pipelines = new ToolPipelines(ToolSettings.Empty, time, _ => default);
        var delays = new List<TimeSpan>();

        await AdvanceUntilDone(time, pipelines.ExecuteAsync(Spec(4, jitter: true), _ => ValueTask.FromResult(Failure),
            (_, delay) => delays.Add(delay), CancellationToken.None).AsTask());

        Assert.HasCount(4, delays, "four retries; a fifth failure would open the default breaker");
        Assert.IsTrue(delays.All(d => d > TimeSpan.Zero && d <= TimeSpan.FromMinutes(5)), string.Join(", ", delays));
        Assert.IsTrue(delays.Sum(d => d.TotalSeconds) > delays[0].TotalSeconds * 2, "jittered delays still grow overall");
    }

    [TestMethod]
    public async Task Execute_SuccessAfterFailures_StopsRetrying()
    {
        var time = new FakeTimeProvider();
        var pipelines = new ToolPipelines(ToolSettings.Empty, time, _ => default);
        var calls = 0;

        var result = await AdvanceUntilDone(time, pipelines.ExecuteAsync(Spec(5), _ => ValueTask.FromResult(++calls < 2 ? Failure : Success),
            (_, _) => { }, CancellationToken.None).AsTask());

        Assert.IsTrue(result.Succeeded);
        Assert.AreEqual(2, calls);
    }

    [TestMethod]
    public async Task Breaker_AfterThresholdFailures_FailsFastUntilAHalfOpenProbeSucceeds()
    {
        var time = new FakeTimeProvider();
        var events = new List<string>();
        var settings = new ToolSettings(new Dictionary<string, ToolOptions>
        {
            ["flaky"] = new() { Breaker = new BreakerOptions { FailureThreshold = 2, BreakDuration = TimeSpan.FromSeconds(30) } },
        });
        var pipelines = new ToolPipelines(settings, time, e =>
        {
            events.Add(e.Kind);
            return default;
        });
        var calls = 0;
        ValueTask<ToolResult> Fail(CancellationToken _)
        {
            calls++;
            return ValueTask.FromResult(Failure);
        }

        ValueTask<ToolResult> Pass(CancellationToken _)
        {
            calls++;
            return ValueTask.FromResult(Success);
        }

        await pipelines.ExecuteAsync(Spec(0), Fail, (_, _) => { }, CancellationToken.None);
        await pipelines.ExecuteAsync(Spec(0), Fail, (_, _) => { }, CancellationToken.None);
        await Assert.ThrowsExactlyAsync<BrokenCircuitException>(() => pipelines.ExecuteAsync(Spec(0), Pass, (_, _) => { }, CancellationToken.None).AsTask());
        Assert.AreEqual(2, calls, "an open breaker must not run the tool");

        time.Advance(TimeSpan.FromSeconds(31));
        var probe = await pipelines.ExecuteAsync(Spec(0), Pass, (_, _) => { }, CancellationToken.None);
        var after = await pipelines.ExecuteAsync(Spec(0), Pass, (_, _) => { }, CancellationToken.None);

        Assert.IsTrue(probe.Succeeded && after.Succeeded);
        Assert.AreEqual(4, calls);
        CollectionAssert.AreEqual(new[] { "breaker.opened", "breaker.half_opened", "breaker.closed" }, events);
    }

    [TestMethod]
    public async Task Breaker_IsPerTool()
    {
        var time = new FakeTimeProvider();
        var settings = new ToolSettings(new Dictionary<string, ToolOptions>(), new ToolOptions { Breaker = new BreakerOptions { FailureThreshold = 2 } });
        var pipelines = new ToolPipelines(settings, time, _ => default);
        for (var i = 0; i < 2; i++)
        {
            await pipelines.ExecuteAsync(Spec(0), _ => ValueTask.FromResult(Failure), (_, _) => { }, CancellationToken.None);
        }

        var other = await pipelines.ExecuteAsync(Spec(0) with { Tool = "other" }, _ => ValueTask.FromResult(Success), (_, _) => { }, CancellationToken.None);

        Assert.IsTrue(other.Succeeded, "another tool's breaker must stay closed");
    }

    [TestMethod]
    public void FromLegacy_MapsToolProfilesAndBreakerAttempts()
    {
        var settings = ToolSettings.FromLegacy(
            File.ReadAllText(Orch.Testing.TestData.Path("legacy", "config", "tool_profiles.json")),
            File.ReadAllText(Orch.Testing.TestData.Path("legacy", "config", "circuit_breakers.yaml")));

        var pytest = settings.For("pytest");
        Assert.AreEqual(TimeSpan.FromSeconds(600), pytest.Timeout);
        CollectionAssert.AreEqual(new[] { 0, 5 }, pytest.SuccessExitCodes.ToArray());
        Assert.AreEqual(2, pytest.Retry.MaxRetries, "max_attempts_per_step 3 counts the first run");
        Assert.AreEqual(TimeSpan.FromSeconds(120), settings.For("ruff").Timeout);
    }

    [TestMethod]
    public async Task BreakerFor_ManyJobsOfOneToolAtOnce_BuildsTheBreakerOnce()
    {
        var pipelines = new ToolPipelines(ToolSettings.Empty, TimeProvider.System, _ => default);

        // Before the fix, racing first calls built two breakers over one state provider, and Polly threw.
        var runs = Enumerable.Range(0, 64).Select(_ => Task.Run(() => pipelines.ExecuteAsync(Spec(0) with { Tool = "racy" },
            _ => ValueTask.FromResult(Success), (_, _) => { }, CancellationToken.None).AsTask()));
        var results = await Task.WhenAll(runs);

        Assert.IsTrue(results.All(r => r.Succeeded));
    }
}
