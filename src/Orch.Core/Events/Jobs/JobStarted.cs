using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.started</c>: A job was marked running by its owner, before its process started.</summary>
[EventKind("job.started")]
public sealed record JobStarted(string Name, string Tool, string Owner) : OrchEvent;
