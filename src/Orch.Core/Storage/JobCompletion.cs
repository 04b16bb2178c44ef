using Orch.Abstractions.Diagnostics;
using Orch.Core.Jobs;

namespace Orch.Core.Storage;

/// <summary>Everything a finished job stores, written in one transaction.</summary>
public sealed record JobCompletion
{
    /// <summary>The job.</summary>
    public required string JobId { get; init; }

    /// <summary>The fencing token of the caller's claim; <see langword="null"/> for a caller that settles a dead owner's job.</summary>
    public long? Fence { get; init; }

    /// <summary>Its final status.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>The last attempt's exit code.</summary>
    public int? ExitCode { get; init; }

    /// <summary>A short, redacted reason when it did not succeed.</summary>
    public string? Error { get; init; }

    /// <summary>Every attempt, in order.</summary>
    public IReadOnlyList<AttemptRecord> Attempts { get; init; } = [];

    /// <summary>Findings read from the output; stored deduplicated by signature.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>The workflow phase the job ran in, for the cost ledger.</summary>
    public string? Phase { get; init; }

    /// <summary>Tokens and dollars each attempt spent; one cost-ledger row each.</summary>
    public IReadOnlyList<CostEntry> Costs { get; init; } = [];

    /// <summary>Events that happened while the job ran.</summary>
    public IReadOnlyList<NewEvent> Events { get; init; } = [];
}
