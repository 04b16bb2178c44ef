namespace Orch.Core.Costs;

/// <summary>Summed tokens and dollars of some ledger rows.</summary>
public sealed record CostTotals(int Calls, long InputTokens, long CachedTokens, long OutputTokens, decimal CostUsd, int Unpriced);
