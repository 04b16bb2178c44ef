using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>wave.started</c>: A wave of the plan (for people; scheduling is by dependencies) started.</summary>
[EventKind("wave.started")]
public sealed record WaveStarted(int Wave, IReadOnlyList<string> Workstreams) : OrchEvent;
