using System.Globalization;
using System.Text.RegularExpressions;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Jobs;
using Orch.Core.Storage;

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
public sealed partial record CheckRound(string Workstream, string Phase, int Round, int Command, string JobId, string Tool, JobStatus Status,
    DateTimeOffset FinishedAt, IReadOnlyList<Finding> Findings)
{
    /// <summary>The round a job was, from its name (<c>WORKSTREAM:PHASE-ROUND-COMMAND</c>); <see langword="null"/> for a job that is not a check.</summary>
    public static CheckRound? Of(CheckFindings job)
    {
        var colon = job.Name.IndexOf(':', StringComparison.Ordinal);
        var match = colon < 0 ? Match.Empty : Label().Match(job.Name[(colon + 1)..]);
        return !match.Success ? null : new CheckRound(job.WorkstreamId ?? job.Name[..colon], match.Groups[1].Value,
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture),
            job.JobId, job.Tool, job.Status, job.FinishedAt, job.Findings);
    }

    // A check's label, and the parts a dotnet check splits into (static-2-1-build).
    [GeneratedRegex(@"^(static|runtime)-(\d+)-(\d+)(?:-[a-z0-9-]+)?$")]
    private static partial Regex Label();
}
