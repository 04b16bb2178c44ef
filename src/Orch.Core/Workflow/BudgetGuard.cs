using System.Globalization;
using Orch.Core.Planning;
using Orch.Core.Serialization;
using Orch.Core.Settings;
using Orch.Core.Storage;

namespace Orch.Core.Workflow;

/// <summary>Says whether a new AI job may start: the run's, the workstream's and the phase's spending all under their budgets.</summary>
public sealed class BudgetGuard(ICostLedger store, BudgetSettings settings, decimal? runBudget)
{
    /// <summary>The budget a new job would overrun, as a sentence, or <see langword="null"/> when it may start.</summary>
    public async Task<string?> ExhaustedAsync(string runId, WorkstreamSpec workstream, PhaseName phaseName, CancellationToken cancellationToken)
    {
        var phase = OrchJson.EnumText(phaseName);
        if ((runBudget ?? settings.RunUsd) is { } run && await store.SumCostAsync(runId, null, null, cancellationToken) is var spentRun && spentRun >= run)
        {
            return Sentence(spentRun, run, "the run budget");
        }

        if ((workstream.BudgetUsd ?? settings.WorkstreamUsd) is { } ws
            && await store.SumCostAsync(runId, workstream.Id, null, cancellationToken) is var spentWs && spentWs >= ws)
        {
            return Sentence(spentWs, ws, $"the budget of workstream '{workstream.Id}'");
        }

        var phaseBudget = workstream.PhaseBudgetUsd.TryGetValue(phase, out var own) ? own
            : settings.PhaseUsd.TryGetValue(phase, out var shared) ? shared : (decimal?)null;
        if (phaseBudget is { } limit && await store.SumCostAsync(runId, workstream.Id, phase, cancellationToken) is var spentPhase && spentPhase >= limit)
        {
            return Sentence(spentPhase, limit, $"the {phase} budget of workstream '{workstream.Id}'");
        }

        return null;
    }

    private static string Sentence(decimal spent, decimal budget, string which) =>
        string.Create(CultureInfo.InvariantCulture, $"spent ${spent:0.00####} against {which} of ${budget:0.00####}; no new AI job starts");
}
