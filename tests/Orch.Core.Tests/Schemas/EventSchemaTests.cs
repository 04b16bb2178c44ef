using System.Text.Json.Nodes;
using System.Text.Json;
using Json.Schema;
using Orch.Abstractions.Events;
using Orch.Core.Events;
using Orch.Core.Jobs;
using Orch.Core.Schemas;

namespace Orch.Core.Tests.Schemas;

[TestClass]
public sealed class EventSchemaTests
{
    [TestMethod]
    public void Catalogue_EveryKindHasItsDataShapeInTheEventSchema()
    {
        var schema = JsonNode.Parse(SchemaCatalog.Text(SchemaCatalog.Event))!;
        var described = schema["$defs"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToList();

        CollectionAssert.AreEqual(EventCatalog.Kinds.Keys.Order(StringComparer.Ordinal).ToList(), described,
            "schema/event.v1.schema.json and the event catalogue must list the same kinds");
    }

    [TestMethod]
    public void Catalogue_KindsAreDottedLowerCaseWordsThatTheStoreAndSchemaAccept()
    {
        foreach (var kind in EventCatalog.Kinds.Keys)
        {
            StringAssert.Matches(kind, new System.Text.RegularExpressions.Regex("^[a-z_]+(\\.[a-z_]+)+$"), $"{kind} must be dotted lower-case words");
        }

        Assert.IsGreaterThanOrEqualTo(29, EventCatalog.Kinds.Count, "every kind the engine emits is catalogued");
    }

    [TestMethod]
    public void EventLine_OfATypedEvent_MatchesTheSchemaWithTodaysWireNames()
    {
        var evt = new AttemptFinished(2, JobStatus.TimedOut, null, "timed out") { Timestamp = DateTimeOffset.UnixEpoch, RunId = "run-1", JobId = "job-1" };

        var line = EventJson.Line(evt);

        var result = SchemaCatalog.Get(SchemaCatalog.Event).Evaluate(JsonDocument.Parse(line).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.IsTrue(result.IsValid, line);
        StringAssert.Contains(line, "\"data\":{\"attempt\":2,\"status\":\"timed_out\",\"error\":\"timed out\"}", "payload names stay snake_case, nulls omitted, no kind inside data");
    }

    [TestMethod]
    public void EventLine_WithDataOfTheWrongShape_IsRejectedBySchema()
    {
        var line = """{"type":"event","kind":"attempt.finished","ts":"2026-01-01T00:00:00Z","data":{"attempt":"two"}}""";

        var result = SchemaCatalog.Get(SchemaCatalog.Event).Evaluate(JsonDocument.Parse(line).RootElement);

        Assert.IsFalse(result.IsValid, "a string attempt and a missing status must fail the per-kind data schema");
    }

    [TestMethod]
    public void Bus_RedactsSecretsBeforeSinksAndTheLogSeeThem()
    {
        var seen = new List<OrchEvent>();
        var bus = new EventBus(null, [new ListSink(seen)], TimeProvider.System, new Orch.Core.Secrets.SecretRedactor(["sk-live-123456"]));

        var stored = bus.Announce(new AttemptFinished(1, JobStatus.Failed, 1, "auth failed for sk-live-123456"));

        Assert.IsFalse(stored.Data!.Contains("sk-live-123456", StringComparison.Ordinal), stored.Data);
        var shown = (AttemptFinished)seen.Single();
        Assert.IsFalse(shown.Error!.Contains("sk-live-123456", StringComparison.Ordinal), "the typed record the console sees is redacted too");
        Assert.AreNotEqual(default, shown.Timestamp, "the bus stamps the time");
    }

    private sealed class ListSink(List<OrchEvent> seen) : IEventSink
    {
        public void Publish(OrchEvent evt) => seen.Add(evt);
    }
}
