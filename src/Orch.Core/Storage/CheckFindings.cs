using Orch.Abstractions.Diagnostics;
using Orch.Core.Jobs;

namespace Orch.Core.Storage;

/// <summary>One finished job of a run and the findings it reported, as it reported them.</summary>
/// <param name="JobId">The job.</param>
/// <param name="WorkstreamId">Its workstream, or <see langword="null"/>.</param>
/// <param name="Name">Its name: <c>WORKSTREAM:LABEL</c>, where a check's label is <c>PHASE-CHECK-COMMAND</c> (<c>static-2-1</c>).</param>
/// <param name="Tool">The tool that ran.</param>
/// <param name="Status">How the job ended.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Findings">What it found.</param>
public sealed record CheckFindings(string JobId, string? WorkstreamId, string Name, string Tool, JobStatus Status, DateTimeOffset FinishedAt, IReadOnlyList<Finding> Findings);
