using Orch.Abstractions.Diagnostics;
using Orch.Core.Jobs;
using Orch.Core.Storage;

namespace Orch.Core.Execution;

/// <summary>What running one job came to.</summary>
public sealed record JobOutcome(
    string JobId,
    string Name,
    JobStatus Status,
    int? ExitCode,
    IReadOnlyList<AttemptRecord> Attempts,
    string? Error,
    IReadOnlyList<Finding> Findings,
    string LogFile,
    string? ErrorReport)
{
    /// <summary>The last lines the tool printed, redacted.</summary>
    public string OutputTail { get; init; } = "";

    /// <summary>What an AI tool said it did, redacted, when it said anything.</summary>
    public string? Summary { get; init; }

    /// <summary>True when the job was no longer this owner's by the end (its lease ran out and another owner took it): nothing of this run was recorded.</summary>
    public bool Lost { get; init; }
}
