namespace Orch.Core.Settings;

/// <summary>Which AI tool takes over when another cannot fix the findings.</summary>
public sealed record EscalationSettings
{
    /// <summary>The tools in order. The default value is empty: no escalation.</summary>
    public IReadOnlyList<string> Chain { get; init; } = [];

    /// <summary>Failed FIX attempts a tool gets before the next takes over; <see langword="null"/> means max_attempts - 1.</summary>
    public int? FixAttemptsPerTool { get; init; }
}
