namespace Orch.Core.Jobs;

/// <summary>How a failed attempt is retried.</summary>
public sealed record RetrySettings
{
    /// <summary>Retries after the first attempt; the job runs at most <c>MaxRetries + 1</c> times. The default value is 0.</summary>
    public int MaxRetries { get; init; }

    /// <summary>The delay before the first retry; later ones grow exponentially. The default value is 1 second.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Spreads retries of many jobs apart. The default value is <see langword="true"/>.</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>What happens once the retries are used up. The default value is <see cref="RetryPolicy.RetrySame"/>.</summary>
    public RetryPolicy Policy { get; init; } = RetryPolicy.RetrySame;

    /// <summary>The tool that takes the work over under <see cref="RetryPolicy.Escalate"/>. The default value is <see langword="null"/>.</summary>
    public string? EscalateTo { get; init; }
}
