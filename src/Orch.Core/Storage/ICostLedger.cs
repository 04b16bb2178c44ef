namespace Orch.Core.Storage;

/// <summary>The cost ledger: one row per AI tool attempt, written with the job that spent it.</summary>
public interface ICostLedger
{
    /// <summary>Reads the cost ledger, all of it or one run's.</summary>
    /// <param name="runId">The run, or <see langword="null"/> for all runs.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ledger rows, oldest first.</returns>
    Task<IReadOnlyList<CostRecord>> ListCostsAsync(string? runId, CancellationToken cancellationToken);

    /// <summary>Sums the dollars spent, for budget checks.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="workstreamId">Only this workstream's, or <see langword="null"/>.</param>
    /// <param name="phase">Only this phase's, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The total in dollars.</returns>
    Task<decimal> SumCostAsync(string runId, string? workstreamId, string? phase, CancellationToken cancellationToken);
}
