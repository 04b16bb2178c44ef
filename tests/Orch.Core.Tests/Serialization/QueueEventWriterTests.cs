using System.Text.Json;
using Orch.Abstractions.Events;
using Orch.Core.Events;
using Orch.Core.Jobs;
using Orch.Core.Serialization;

namespace Orch.Core.Tests.Serialization;

[TestClass]
public sealed class QueueEventWriterTests
{
    private const string Tricky = "ünïcode \"quoted\" <b>&amp;</b> \\ back\tslash\nnew line \u0001 🙂 '";

    public static IEnumerable<object[]> Events =>
    [
        [new JobStarted("n", "process", "worker:h:1:aa")],
        [new JobStarted(Tricky, Tricky, "")],
        [new AttemptStarted(1)],
        [new AttemptStarted(int.MaxValue)],
        [new AttemptFinished(1, JobStatus.Succeeded, 0, null)],
        [new AttemptFinished(2, JobStatus.TimedOut, null, "timed out after 1 s")],
        [new AttemptFinished(3, JobStatus.CircuitOpen, -1, Tricky)],
        [new JobFinished(JobStatus.Succeeded, 0, 1, null, null)],
        [new JobFinished(JobStatus.Failed, 2, 3, "exit code 2 — ✓ \"quoted\"", "/repo/.orch/logs/j.error.json")],
        [new JobFinished(JobStatus.Stalled, null, 0, null, Tricky)],
        .. Enum.GetValues<JobStatus>().Select(status => new object[] { new JobFinished(status, 1, 1, "e", null) }),
        .. Enum.GetValues<JobStatus>().Select(status => new object[] { new AttemptFinished(1, status, 1, null) }),
    ];

    [TestMethod]
    [DynamicData(nameof(Events))]
    public void TryWrite_AQueuedJobsEvent_WritesWhatTheSerializerWrites(OrchEvent evt)
    {
        var written = QueueEventWriter.TryWrite(evt);

        Assert.IsNotNull(written, "a queued job's events are written without the serializer");
        Assert.AreEqual(JsonSerializer.Serialize(evt, evt.GetType(), OrchJson.Options), written);
        Assert.AreEqual(written, EventEnvelope.DataOf(evt));
    }

    [TestMethod]
    public void TryWrite_AnyOtherEvent_LeavesItToTheSerializer()
    {
        var queued = new JobQueued("n", "process");

        Assert.IsNull(QueueEventWriter.TryWrite(queued));
        Assert.AreEqual("""{"name":"n","tool":"process"}""", EventEnvelope.DataOf(queued));
    }
}
