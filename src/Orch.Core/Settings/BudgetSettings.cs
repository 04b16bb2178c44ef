namespace Orch.Core.Settings;

/// <summary>Spending limits in dollars. A run stops starting AI jobs once one is reached.</summary>
public sealed record BudgetSettings
{
    /// <summary>For the whole run (<c>--budget</c> wins). The default value is no limit.</summary>
    public decimal? RunUsd { get; init; }

    /// <summary>For each workstream that sets no <c>budget_usd</c>. The default value is no limit.</summary>
    public decimal? WorkstreamUsd { get; init; }

    /// <summary>Per phase (EDIT, STATIC, RUNTIME) of each workstream. The default value is no limits.</summary>
    public IReadOnlyDictionary<string, decimal> PhaseUsd { get; init; } = new Dictionary<string, decimal>();
}
