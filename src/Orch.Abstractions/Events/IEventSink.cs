using Orch.Abstractions.State;

namespace Orch.Abstractions.Events;

/// <summary>Receives events as they happen, for live progress; the store keeps the durable copy.</summary>
public interface IEventSink
{
    /// <summary>Called once per event, in order, after it is known to the engine.</summary>
    /// <param name="evt">The event; its data is already redacted.</param>
    void Publish(NewEvent evt);
}
