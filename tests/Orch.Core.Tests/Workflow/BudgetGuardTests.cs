using Orch.Core.Planning;
using Orch.Core.Settings;
using Orch.Core.Storage;
using Orch.Core.Workflow;

namespace Orch.Core.Tests.Workflow;

[TestClass]
public sealed class BudgetGuardTests
{
    /// <summary>The ledger role with fixed totals: run 5.00, workstream a 3.00, a's STATIC 1.00.</summary>
    private sealed class Ledger : ICostLedger
    {
        public Task<IReadOnlyList<CostRecord>> ListCostsAsync(string? runId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<CostRecord>>([]);

        public Task<decimal> SumCostAsync(string runId, string? workstreamId, string? phase, CancellationToken cancellationToken) =>
            Task.FromResult((workstreamId, phase) switch { (null, _) => 5m, ("a", null) => 3m, ("a", "STATIC") => 1m, _ => 0m });
    }

    private static readonly WorkstreamSpec A = new() { Id = "a", Edit = new EditSpec() };

    [TestMethod]
    public async Task Exhausted_RunBudgetSpent_SaysWhichBudget()
    {
        var guard = new BudgetGuard(new Ledger(), new BudgetSettings(), runBudget: 5m);

        var reason = await guard.ExhaustedAsync("run", A, PhaseName.Edit, CancellationToken.None);

        Assert.AreEqual("spent $5.00 against the run budget of $5.00; no new AI job starts", reason);
    }

    [TestMethod]
    public async Task Exhausted_WorkstreamAndPhaseBudgets_ApplyInThatOrder()
    {
        var workstream = new BudgetGuard(new Ledger(), new BudgetSettings { RunUsd = 10m, WorkstreamUsd = 2m }, null);
        var phase = new BudgetGuard(new Ledger(), new BudgetSettings { PhaseUsd = new Dictionary<string, decimal> { ["STATIC"] = 1m } }, null);

        StringAssert.Contains(await workstream.ExhaustedAsync("run", A, PhaseName.Static, CancellationToken.None), "the budget of workstream 'a'");
        StringAssert.Contains(await phase.ExhaustedAsync("run", A, PhaseName.Static, CancellationToken.None), "the STATIC budget of workstream 'a'");
        Assert.IsNull(await phase.ExhaustedAsync("run", A, PhaseName.Runtime, CancellationToken.None), "RUNTIME has no budget of its own");
    }
}
