using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.queued</c>: a distributed run handed the workstream to the worker queue as the event's job; its checkpoints go under <paramref name="Refs"/> on the shared remote.</summary>
[EventKind("workstream.queued")]
public sealed record WorkstreamQueued(string Workstream, string Refs) : OrchEvent;
