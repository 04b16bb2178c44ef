using Orch.Abstractions.Diagnostics;
using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Workflow;

namespace Orch.Core.Application;

/// <summary>One check of a workstream's STATIC or RUNTIME phase (one FIX round), with what it found.</summary>
/// <param name="Workstream">The workstream.</param>
/// <param name="Phase"><c>static</c> or <c>runtime</c>.</param>
/// <param name="Round">The check's number in its phase: 1 before any FIX, then one more after each FIX.</param>
/// <param name="Command">Which of the phase's commands (1 for the first).</param>
/// <param name="JobId">The check's job.</param>
/// <param name="Tool">The tool that ran.</param>
/// <param name="Status">How the job ended.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Findings">What it found, as it reported them.</param>
public sealed record CheckRound(string Workstream, string Phase, int Round, int Command, string JobId, string Tool, JobStatus Status,
    DateTimeOffset FinishedAt, IReadOnlyList<Finding> Findings)
{
    /// <summary>The round a job was, from its name (<see cref="JobName"/>); <see langword="null"/> for a job that is not a check.</summary>
    public static CheckRound? Of(CheckFindings job) =>
        JobName.Parse(job.Name) is { Kind: JobKind.Check } name
            ? new CheckRound(job.WorkstreamId ?? name.Workstream, name.Phase!, name.Round, name.Command, job.JobId, job.Tool, job.Status, job.FinishedAt, job.Findings)
            : null;
}
