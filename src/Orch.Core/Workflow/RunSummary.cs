namespace Orch.Core.Workflow;

/// <summary>What a run came to: one outcome per workstream, in plan order.</summary>
public sealed record RunSummary(string RunId, IReadOnlyList<WorkstreamOutcome> Workstreams, bool Cancelled)
{
    public bool Succeeded => !Cancelled && Workstreams.All(w => w.Status == WorkstreamStatus.Succeeded);

    /// <summary>Dollars the run's AI jobs spent.</summary>
    public decimal SpentUsd { get; init; }

    /// <summary>The run's budget, when it had one.</summary>
    public decimal? BudgetUsd { get; init; }
}
