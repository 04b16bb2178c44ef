using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.merged</c>: A workstream's branch was merged.</summary>
[EventKind("workstream.merged")]
public sealed record WorkstreamMerged(string Workstream, string Branch) : OrchEvent;
