using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>breaker.opened</c>: A tool's circuit breaker opened after repeated failures.</summary>
[EventKind("breaker.opened")]
public sealed record BreakerOpened(string Tool, double BreakSeconds) : OrchEvent;
