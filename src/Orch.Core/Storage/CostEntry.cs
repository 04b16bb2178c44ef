namespace Orch.Core.Storage;

/// <summary>What one attempt of an AI tool spent.</summary>
/// <param name="Attempt">The attempt number within the job.</param>
/// <param name="Tool">The tool that spent it.</param>
/// <param name="Model">The model, when known.</param>
/// <param name="InputTokens">Input tokens, cached ones included.</param>
/// <param name="CachedTokens">Input tokens served from the cache.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CostUsd">Dollars, as the tool reported them or as the price table estimated them; <see langword="null"/> when neither knows.</param>
/// <param name="Estimated"><see langword="true"/> when the cost comes from the price table rather than the tool.</param>
public sealed record CostEntry(int Attempt, string Tool, string? Model, long InputTokens, long CachedTokens, long OutputTokens, decimal? CostUsd, bool Estimated);
