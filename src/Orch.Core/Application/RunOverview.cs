using Orch.Core.Costs;
using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Workflow;

namespace Orch.Core.Application;

/// <summary>
/// Everything a view shows of one run, rebuilt from the store alone: the DAG with each workstream's state, each
/// workstream's steps as a timeline, the findings of every FIX round, the spend and the FIX-loop yield.
/// </summary>
/// <param name="Run">The run.</param>
/// <param name="Workstreams">Every planned workstream in plan order, started or not.</param>
/// <param name="Findings">Each check's findings, FIX round by FIX round.</param>
/// <param name="Costs">Spend per workstream, phase and tool, with the FIX-loop yield.</param>
/// <param name="BudgetUsd">What the run may spend, if it has a budget.</param>
/// <param name="LastEventId">The newest event of the run when this was read; live views follow from there.</param>
public sealed record RunOverview(RunRecord Run, IReadOnlyList<WorkstreamOverview> Workstreams, IReadOnlyList<CheckRound> Findings, CostReport Costs,
    decimal? BudgetUsd, long LastEventId)
{
    /// <summary>What is left of a running run, from earlier runs refined by this one's pace (<see cref="Estimates.RunEta"/>); <see langword="null"/> when unknown or done.</summary>
    public TimeSpan? Left { get; init; }
}

/// <summary>One workstream of a <see cref="RunOverview"/>.</summary>
/// <param name="Id">The workstream.</param>
/// <param name="Title">Its title, if any.</param>
/// <param name="DependsOn">The workstreams it waits for (the DAG's edges).</param>
/// <param name="Status">Its state; <see cref="WorkstreamStatus.Pending"/> until it starts.</param>
/// <param name="StopReason">Why it stopped, once it has.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="Detail">What went wrong, in a line.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="SpentUsd">What its AI calls cost.</param>
/// <param name="Phases">Its phases as stored.</param>
/// <param name="Steps">Its jobs in the order they were queued: EDIT, checks and FIX rounds.</param>
public sealed record WorkstreamOverview(string Id, string? Title, IReadOnlyList<string> DependsOn, WorkstreamStatus Status, StopReason? StopReason,
    int Attempts, string? Detail, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, decimal SpentUsd, IReadOnlyList<PhaseRecord> Phases,
    IReadOnlyList<StepSpan> Steps)
{
    /// <summary>What is left of it while it runs; <see langword="null"/> when unknown or not running.</summary>
    public TimeSpan? Left { get; init; }
}

/// <summary>One job of a workstream on its timeline.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Step">How views name it: <c>EDIT</c>, <c>STATIC check 2</c>, <c>RUNTIME FIX 1</c>, or the job's own label.</param>
/// <param name="Phase"><c>edit</c>, <c>static</c>, <c>runtime</c>, or <see langword="null"/> for a hook.</param>
/// <param name="Status">How it ended, or that it is still running.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it ended.</param>
public sealed record StepSpan(string JobId, string Step, string? Phase, JobStatus Status, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    internal static StepSpan Of(JobRecord job)
    {
        var name = JobName.Parse(job.Spec.Name);
        var label = job.Spec.Name.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? job.Spec.Name[(colon + 1)..] : job.Spec.Name;
        return new StepSpan(job.Id, name?.Display ?? label, name is null ? null : name.Phase ?? "edit", job.Status, job.StartedAt, job.FinishedAt);
    }
}
