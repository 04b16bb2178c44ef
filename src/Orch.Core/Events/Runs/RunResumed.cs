using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>run.resumed</c>: A finished or crashed run was reopened by resume.</summary>
[EventKind("run.resumed")]
public sealed record RunResumed : OrchEvent;
