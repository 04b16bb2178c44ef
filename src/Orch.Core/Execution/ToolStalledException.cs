namespace Orch.Core.Execution;

/// <summary>A tool printed nothing for its stall time; its process tree was killed. Retries, breakers and escalation count it as a failure.</summary>
public sealed class ToolStalledException(TimeSpan quiet)
    : Exception($"printed nothing for {quiet.TotalSeconds:0.###} s (its stall time); the process tree was killed")
{
    /// <summary>How long the tool was silent.</summary>
    public TimeSpan Quiet { get; } = quiet;
}
