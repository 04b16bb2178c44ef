namespace Orch.Core.Costs;

/// <summary>A model's list price in dollars per million tokens.</summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion);
