namespace Orch.Core.Storage;

/// <summary>A row of the cost ledger.</summary>
/// <param name="RunId">The run, if any.</param>
/// <param name="WorkstreamId">The workstream, if any.</param>
/// <param name="Phase">The phase, if any.</param>
/// <param name="JobId">The job.</param>
/// <param name="Entry">What was spent.</param>
/// <param name="Timestamp">When it was recorded.</param>
public sealed record CostRecord(string? RunId, string? WorkstreamId, string? Phase, string? JobId, CostEntry Entry, DateTimeOffset Timestamp);
