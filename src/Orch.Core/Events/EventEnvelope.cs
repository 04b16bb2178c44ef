using System.Text.Json;
using Orch.Abstractions.Events;
using Orch.Core.Serialization;
using Orch.Core.Storage;

namespace Orch.Core.Events;

/// <summary>An event's stored form: its kind, time, ids and details as a JSON object (none for kinds without details).</summary>
public static class EventEnvelope
{
    public static NewEvent Of(OrchEvent evt) => new(evt.Kind, evt.Timestamp, evt.RunId, evt.JobId, evt.Data ?? DataOf(evt));

    public static string? DataOf(OrchEvent evt)
    {
        var json = QueueEventWriter.TryWrite(evt) ?? JsonSerializer.Serialize(evt, evt.GetType(), OrchJson.Options);
        return json == "{}" ? null : json;
    }
}
