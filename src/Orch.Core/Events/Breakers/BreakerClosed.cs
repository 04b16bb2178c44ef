using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>breaker.closed</c>: A tool's breaker closed again.</summary>
[EventKind("breaker.closed")]
public sealed record BreakerClosed(string Tool) : OrchEvent;
