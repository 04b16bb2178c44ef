using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.checkpoint</c>: A phase's change was committed as a checkpoint.</summary>
[EventKind("workstream.checkpoint")]
public sealed record WorkstreamCheckpoint(string Workstream, string Label, string Commit) : OrchEvent;
