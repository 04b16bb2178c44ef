using Orch.Core.Workflow;

namespace Orch.Core.Storage;

/// <summary>A phase of a workstream as stored; its checkpoint is the commit resume starts from.</summary>
public sealed record PhaseRecord(string RunId, string WorkstreamId, PhaseName Name, PhaseStatus Status, int Attempts, StopReason? StopReason, string? CheckpointSha);
