using Orch.Abstractions.Events;

namespace Orch.Core.Storage;

/// <summary>The append-only event log.</summary>
public interface IEventLog
{
    /// <summary>
    /// Told, after each commit, every event the store wrote itself (<c>run.started</c>, <c>job.queued</c>, <c>job.started</c>,
    /// ...), so that live sinks see them as well; <see langword="null"/> for nobody.
    /// </summary>
    Action<OrchEvent>? OnRecorded { get; set; }

    /// <summary>Appends events; events are never changed or removed.</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the events are committed.</returns>
    Task AppendEventsAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken);

    /// <summary>Reads events in the order they were stored.</summary>
    /// <param name="subjectId">A run or job id to filter by, or <see langword="null"/> for all events.</param>
    /// <param name="afterId">Only events with a larger id; 0 for all.</param>
    /// <param name="limit">How many events at most.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<EventRecord>> ReadEventsAsync(string? subjectId, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>The id of the newest event, or 0 when there is none; a view that read state after this follows events from here.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The id.</returns>
    Task<long> LastEventIdAsync(CancellationToken cancellationToken);
}
