using System.Text.Json;
using Orch.Abstractions.Events;
using Orch.Abstractions.State;
using Orch.Core.Serialization;

namespace Orch.Core.Workflow;

/// <summary>Appends a run's events to the store and shows them live.</summary>
public sealed class RunEvents(IStateStore store, IEventSink? sink, TimeProvider time)
{
    public async Task EmitAsync<T>(string kind, string runId, T data)
    {
        var evt = new NewEvent(kind, time.GetUtcNow(), runId, null, JsonSerializer.Serialize(data, OrchJson.Options));
        sink?.Publish(evt);
        await store.AppendEventsAsync([evt], CancellationToken.None);
    }
}
