namespace Orch.Core.Planning;

/// <summary>When a FIX loop gives up (the workstream's <c>circuit_breaker</c>).</summary>
public sealed record LoopSettings
{
    /// <summary>Checks per phase, counting the first. The default value is 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>How many earlier finding sets a new one is compared with. The default value is 4.</summary>
    public int OscillationWindow { get; init; } = 4;

    /// <summary>How often one finding set may appear within the window before the loop stops. The default value is 2.</summary>
    public int OscillationThreshold { get; init; } = 2;
}
