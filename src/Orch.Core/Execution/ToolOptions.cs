using Orch.Core.Jobs;

namespace Orch.Core.Execution;

/// <summary>Per-tool defaults for jobs that do not set their own, and the tool's circuit breaker.</summary>
public sealed record ToolOptions
{
    /// <summary>How long one attempt may run. The default value is 10 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long the tool may print nothing before its process tree is killed as stalled (<c>stall_seconds</c>);
    /// <see cref="TimeSpan.Zero"/> switches stall detection off. The default value is <see langword="null"/>: the
    /// built-in time for the tool (<see cref="DefaultStall"/>).
    /// </summary>
    public TimeSpan? StallTimeout { get; init; }

    /// <summary>The stall time that applies to <paramref name="tool"/>: its own setting, else the built-in one; <see langword="null"/> for none.</summary>
    public TimeSpan? StallAfter(string tool) => StallTimeout is { } set ? (set > TimeSpan.Zero ? set : null) : DefaultStall(tool);

    /// <summary>
    /// Built-in stall times: 10 minutes for aider and Codex, which stream as they work (a model may think that long);
    /// none for Claude Code, which prints its one JSON result only at the end; 5 minutes for checkers, test runners
    /// and scripts.
    /// </summary>
    public static TimeSpan? DefaultStall(string tool) => tool.ToLowerInvariant() switch
    {
        "claude" => null,
        "aider" or "codex" => TimeSpan.FromMinutes(10),
        _ => TimeSpan.FromMinutes(5),
    };

    /// <summary>Exit codes that count as success. The default value is <c>[0]</c>.</summary>
    public IReadOnlyList<int> SuccessExitCodes { get; init; } = [0];

    /// <summary>Retries for jobs that do not set their own. The default value is no retry.</summary>
    public RetrySettings Retry { get; init; } = new();

    /// <summary>The executable to run for this tool when it is not the usual name on the PATH. The default value is <see langword="null"/>.</summary>
    public string? Executable { get; init; }

    /// <summary>The model AI tools use when a workstream names none. The default value is <see langword="null"/> (the tool's own default).</summary>
    public string? Model { get; init; }

    /// <summary>The tool's circuit breaker.</summary>
    public BreakerOptions Breaker { get; init; } = new();
}
