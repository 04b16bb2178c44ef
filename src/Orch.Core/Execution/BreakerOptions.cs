namespace Orch.Core.Execution;

/// <summary>When a tool's circuit breaker opens, and for how long.</summary>
public sealed record BreakerOptions
{
    /// <summary>Failed attempts, with no success between them, that open the breaker. The default value is 5.</summary>
    public int FailureThreshold { get; init; } = 5;

    /// <summary>How far back failures count. The default value is 5 minutes.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the breaker stays open before one half-open probe may run. The default value is 30 seconds.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}
