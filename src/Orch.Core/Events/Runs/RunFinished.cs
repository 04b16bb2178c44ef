using Orch.Abstractions.Events;
using Orch.Core.Storage;

namespace Orch.Core.Events;

/// <summary><c>run.finished</c>: A run ended.</summary>
[EventKind("run.finished")]
public sealed record RunFinished(RunStatus Status, string? StopReason) : OrchEvent;
