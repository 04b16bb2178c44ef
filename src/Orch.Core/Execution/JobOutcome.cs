using Orch.Abstractions.Diagnostics;
using Orch.Abstractions.Model;
using Orch.Abstractions.State;

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
    string? ErrorReport);
