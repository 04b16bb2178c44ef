using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>job.abandoned</c>: A job whose owner died was failed because it cannot run again.</summary>
[EventKind("job.abandoned")]
public sealed record JobAbandoned : OrchEvent;
