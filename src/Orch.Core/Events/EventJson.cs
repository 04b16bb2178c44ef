using System.Text.Json;
using Orch.Abstractions.Events;
using Orch.Core.Serialization;
using Orch.Core.Storage;

namespace Orch.Core.Events;

/// <summary>The JSON line of one event (schema/event.v1.schema.json): live, exported, or read back from the log with its id.</summary>
public static class EventJson
{
    public static string Line(OrchEvent evt) => Line(null, evt.Kind, evt.Timestamp, evt.RunId, evt.JobId, evt.Data ?? EventEnvelope.DataOf(evt));

    public static string Line(EventRecord e) => Line(e.Id, e.Kind, e.Timestamp, e.RunId, e.JobId, e.Data);

    private static string Line(long? id, string kind, DateTimeOffset ts, string? runId, string? jobId, string? data) =>
        JsonSerializer.Serialize(new
        {
            type = "event",
            id,
            kind,
            ts,
            run_id = runId,
            job_id = jobId,
            data = data is null ? (JsonElement?)null : JsonDocument.Parse(data).RootElement.Clone(),
        }, OrchJson.Options);
}
