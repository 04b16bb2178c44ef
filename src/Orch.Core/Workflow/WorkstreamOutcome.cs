namespace Orch.Core.Workflow;

/// <summary>How a workstream ended: its status, stop reason, checks run and a readable detail.</summary>
public sealed record WorkstreamOutcome(string Id, WorkstreamStatus Status, StopReason StopReason, int Attempts, string? Detail, string? Checkpoint = null)
{
    /// <summary>Dollars the workstream's AI jobs spent in this run.</summary>
    public decimal SpentUsd { get; init; }
}
