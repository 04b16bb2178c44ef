using Orch.Core.Jobs;

namespace Orch.Core.Execution;

/// <summary>Per-tool defaults for jobs that do not set their own, and the tool's circuit breaker.</summary>
public sealed record ToolOptions
{
    /// <summary>How long one attempt may run. The default value is 10 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

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
