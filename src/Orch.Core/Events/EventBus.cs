using System.Text.Json;
using Orch.Abstractions.Events;
using Orch.Core.Secrets;
using Orch.Core.Serialization;
using Orch.Core.Storage;

namespace Orch.Core.Events;

/// <summary>
/// The one route every event takes: stamped with the time, redacted, shown to the live sinks (console, JSONL export,
/// dashboard, plugins), and appended to the event log. A job's events are announced as they happen and committed later
/// with its result (<see cref="Announce"/>); everything else is stored at once (<see cref="PublishAsync"/>).
/// </summary>
public sealed class EventBus
{
    private readonly IEventLog? _log;
    private readonly IReadOnlyList<IEventSink> _sinks;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly Lock _gate = new();

    public EventBus(IEventLog? log, IEnumerable<IEventSink> sinks, TimeProvider time, SecretRedactor? redactor = null)
    {
        _log = log;
        _sinks = sinks.ToList();
        _time = time;
        _redactor = redactor ?? SecretRedactor.FromEnvironment();
        if (log is not null)
        {
            // What the store writes itself (run.started, job.queued, ...) is already stored; the sinks see it too.
            log.OnRecorded = evt => Announce(evt);
        }
    }

    /// <summary>Stamps, redacts and shows <paramref name="evt"/> live; returns its stored form for the caller to commit.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="redactor">The job's redactor, which also knows the values the job injected; the bus's own when <see langword="null"/>.</param>
    public NewEvent Announce(OrchEvent evt, SecretRedactor? redactor = null)
    {
        var stamped = evt.Timestamp == default ? evt with { Timestamp = _time.GetUtcNow() } : evt;
        var data = EventEnvelope.DataOf(stamped);
        var redacted = data is null ? null : (redactor ?? _redactor).Redact(data);
        // Sinks see the redacted record: rebuilt from the redacted JSON when redaction changed anything.
        var shown = redacted == data
            ? stamped with { Data = redacted }
            : ((OrchEvent)JsonSerializer.Deserialize(redacted!, stamped.GetType(), OrchJson.Options)!) with
            {
                Timestamp = stamped.Timestamp, RunId = stamped.RunId, JobId = stamped.JobId, Data = redacted,
            };
        lock (_gate)
        {
            foreach (var sink in _sinks)
            {
                sink.Publish(shown);
            }
        }

        return EventEnvelope.Of(shown);
    }

    /// <summary>Announces <paramref name="evt"/> and appends it to the event log.</summary>
    public async Task PublishAsync(OrchEvent evt)
    {
        var stored = Announce(evt);
        if (_log is not null)
        {
            await _log.AppendEventsAsync([stored], CancellationToken.None);
        }
    }
}
