using Orch.Abstractions.Diagnostics;

namespace Orch.Abstractions.Adapters;

/// <summary>What one tool run produced.</summary>
public sealed record ToolResult
{
    /// <summary>The process exit code; <see langword="null"/> when the process was killed.</summary>
    public int? ExitCode { get; init; }

    /// <summary><see langword="true"/> when the tool did what was asked.</summary>
    public required bool Succeeded { get; init; }

    /// <summary><see langword="true"/> when the run was killed because it took too long.</summary>
    public bool TimedOut { get; init; }

    /// <summary>A short reason when <see cref="Succeeded"/> is <see langword="false"/>, already redacted.</summary>
    public string? Error { get; init; }

    /// <summary>Normalized findings read from the output.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>Tokens and cost the tool reported, when it reports any.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>The last lines of combined output, already redacted. The engine shows them to people and puts them in FIX prompts when a check has no findings.</summary>
    public string OutputTail { get; init; } = "";

    /// <summary>What an AI tool said it did (its last message), when it says anything. The engine records it with the tool's output.</summary>
    public string? Summary { get; init; }
}
