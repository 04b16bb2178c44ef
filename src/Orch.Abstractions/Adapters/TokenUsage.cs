namespace Orch.Abstractions.Adapters;

/// <summary>Tokens and cost of one AI tool call.</summary>
/// <param name="Model">The model that answered, when known.</param>
/// <param name="InputTokens">Input tokens, including cached ones.</param>
/// <param name="CachedTokens">Input tokens served from the provider's cache.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CostUsd">The cost in dollars, when the tool reported it or a price table gave it.</param>
public sealed record TokenUsage(string? Model, long InputTokens, long CachedTokens, long OutputTokens, decimal? CostUsd);
