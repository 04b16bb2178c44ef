using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>attempt.usage</c>: An AI tool reported (or the price table estimated) its tokens and cost for one try.</summary>
public sealed record AttemptUsage(int Attempt, string? Model, long InputTokens, long CachedTokens, long OutputTokens, decimal? CostUsd) : OrchEvent
{
    /// <summary>The kind: <c>attempt.usage</c>.</summary>
    public const string KindName = "attempt.usage";

    [JsonIgnore]
    public override string Kind => KindName;
}
