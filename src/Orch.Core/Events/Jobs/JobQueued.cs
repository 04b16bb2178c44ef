using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.queued</c>: A job entered the queue.</summary>
[EventKind("job.queued")]
public sealed record JobQueued(string Name, string Tool) : OrchEvent;
