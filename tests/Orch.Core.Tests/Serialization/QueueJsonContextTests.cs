using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Orch.Abstractions.Events;
using Orch.Core.Events;
using Orch.Core.Jobs;
using Orch.Core.Serialization;

namespace Orch.Core.Tests.Serialization;

[TestClass]
public sealed class QueueJsonContextTests
{
    // Orch's options with reflection alone: the text every stored spec and event has had.
    private static readonly JsonSerializerOptions ByReflection = new(OrchJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static readonly JobSpec Full = new()
    {
        Name = "ünïcode \"quoted\" <job> & co",
        Tool = "codex",
        Command = ["sh", "-c", "echo 'a b'\nexit 3", ""],
        UseShell = true,
        Environment = new Dictionary<string, string> { ["API_TOKEN"] = "${API_TOKEN}", ["MixedCase_Name"] = "x=y" },
        RepositoryRoot = "/repo",
        WorkingDirectory = "/repo/sub dir",
        LogFile = "/repo/.orch/logs/custom.log",
        ErrorReport = "/repo/.orch/logs/custom.error.json",
        Timeout = TimeSpan.FromSeconds(90.5),
        StallTimeout = TimeSpan.FromMinutes(3),
        StopGrace = TimeSpan.FromSeconds(5),
        Retry = new RetrySettings { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(250), UseJitter = false, Policy = RetryPolicy.Escalate, EscalateTo = "claude" },
        SourceRunId = "run-1",
        WorkstreamId = "ws-1",
        FilesScope = ["src/**", "docs/a.md"],
        SuccessExitCodes = [0, 1, 5],
        Phase = "static",
        Prompt = "Fix it.\nAll of it.",
        Model = "gpt-5",
        MaxTurns = 7,
        Executable = "/opt/codex",
        ResultsDirectory = "/repo/TestResults",
        SourceFile = "jobs/a.yaml",
    };

    public static IEnumerable<object[]> Events =>
    [
        [new JobQueued("n", "process")],
        [new JobStarted("n", "process", "worker:h:1:aa")],
        [new AttemptStarted(1)],
        [new AttemptUsage(2, "gpt-5", 1_000, 200, 30, 0.0123m)],
        [new AttemptUsage(1, null, 0, 0, 0, null)],
        [new AttemptFinished(1, JobStatus.TimedOut, null, "timed out after 1 s")],
        [new AttemptFinished(2, JobStatus.CircuitOpen, 3, null)],
        [new JobRetryScheduled(1, 250)],
        [new JobFinished(JobStatus.Succeeded, 0, 1, null, null)],
        [new JobFinished(JobStatus.Failed, 2, 3, "exit code 2 — ✓ \"quoted\"", "/repo/.orch/logs/j.error.json")],
        [new JobRecovered("its lease ran out", "worker:h:1:aa", 137)],
        [new JobRecovered("finished after owner died")],
        [new JobEscalated("codex", "claude", JobStatus.Stalled)],
        [new JobAbandoned()],
    ];

    [TestMethod]
    public void Spec_WritesTheTextReflectionWrites_AndReadsBackEqual()
    {
        var compiled = JsonSerializer.Serialize(Full, OrchJson.Options);
        var reflected = JsonSerializer.Serialize(Full, ByReflection);

        Assert.IsInstanceOfType<QueueJsonContext>(OrchJson.Options.GetTypeInfo(typeof(JobSpec)).OriginatingResolver, "the compiled metadata is the one used");
        Assert.AreEqual(reflected, compiled);
        StringAssert.Contains(compiled, "\"success_exit_codes\":[0,1,5]", "snake_case names");
        StringAssert.Contains(compiled, "\"policy\":\"escalate\"", "enums as words");
        var minimal = new JobSpec { Name = "n", Tool = "process", Command = ["true"], RepositoryRoot = "/r", WorkingDirectory = "/r" };
        Assert.AreEqual(JsonSerializer.Serialize(minimal, ByReflection), JsonSerializer.Serialize(minimal, OrchJson.Options), "absent values are left out alike");

        // A spec stored by an earlier Orch (by reflection) reads back as it was, and the other way round.
        var read = JsonSerializer.Deserialize<JobSpec>(reflected, OrchJson.Options)!;
        Assert.AreEqual(reflected, JsonSerializer.Serialize(read, ByReflection));
        Assert.AreEqual(reflected, JsonSerializer.Serialize(JsonSerializer.Deserialize<JobSpec>(compiled, ByReflection)!, ByReflection));
        CollectionAssert.AreEqual(Full.Command.ToArray(), read.Command.ToArray());
        Assert.AreEqual(Full.Retry, read.Retry);
    }

    [TestMethod]
    [DynamicData(nameof(Events))]
    public void Event_WritesTheTextReflectionWrites(OrchEvent evt)
    {
        var stamped = evt with { Timestamp = DateTimeOffset.UnixEpoch, RunId = "run-1", JobId = "job-1" };

        Assert.IsInstanceOfType<QueueJsonContext>(OrchJson.Options.GetTypeInfo(stamped.GetType()).OriginatingResolver);
        Assert.AreEqual(JsonSerializer.Serialize(stamped, stamped.GetType(), ByReflection), EventEnvelope.DataOf(stamped) ?? "{}");
    }
}
