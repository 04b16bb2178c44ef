using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>attempt.usage</c>: An AI tool reported (or the price table estimated) its tokens and cost for one try.</summary>
[EventKind("attempt.usage")]
public sealed record AttemptUsage(int Attempt, string? Model, long InputTokens, long CachedTokens, long OutputTokens, decimal? CostUsd) : OrchEvent;
