using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>breaker.half_opened</c>: A tool's breaker lets one probe call through.</summary>
[EventKind("breaker.half_opened")]
public sealed record BreakerHalfOpened(string Tool) : OrchEvent;
