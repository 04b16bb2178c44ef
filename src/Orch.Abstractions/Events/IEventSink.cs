namespace Orch.Abstractions.Events;

/// <summary>Receives events as they happen, for live progress or export; the engine's event log keeps the durable copy.</summary>
public interface IEventSink
{
    /// <summary>Called once per event, in order. Must return quickly and not throw: the engine is waiting.</summary>
    /// <param name="evt">The event, stamped and redacted, with <see cref="OrchEvent.Data"/> set.</param>
    void Publish(OrchEvent evt);
}
