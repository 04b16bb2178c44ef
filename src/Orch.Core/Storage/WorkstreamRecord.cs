using Orch.Core.Workflow;

namespace Orch.Core.Storage;

/// <summary>A workstream of a run as stored.</summary>
public sealed record WorkstreamRecord(string RunId, string Id, string? Title, WorkstreamStatus Status, StopReason? StopReason, int Attempts, string? Detail,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);
