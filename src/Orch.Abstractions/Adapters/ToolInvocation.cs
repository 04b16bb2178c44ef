namespace Orch.Abstractions.Adapters;

/// <summary>One request to run a tool.</summary>
public sealed record ToolInvocation
{
    /// <summary>The job this invocation belongs to.</summary>
    public required string JobId { get; init; }

    /// <summary>The command to run: the executable followed by its arguments. Empty when the adapter builds its own argv.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>When <see langword="true"/>, <see cref="Command"/> holds one string that is run through <c>/bin/sh -c</c>.</summary>
    public bool UseShell { get; init; }

    /// <summary>The absolute working directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Environment variables added to (or, with an empty value, kept as empty in) the tool's environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The instruction for AI tools, when there is one.</summary>
    public string? Prompt { get; init; }

    /// <summary>Files the tool may change, relative to the working directory.</summary>
    public IReadOnlyList<string> FilesInScope { get; init; } = [];

    /// <summary>The model to ask for, when the tool takes one.</summary>
    public string? Model { get; init; }

    /// <summary>How long one run may take before its process tree is killed.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The executable to run instead of the tool's usual name, for tools installed off the PATH; <see langword="null"/> for the default.</summary>
    public string? Executable { get; init; }

    /// <summary>A folder outside the working tree for reports the tool writes (TRX, JUnit XML, the agent's last message).</summary>
    public string? ResultsDirectory { get; init; }

    /// <summary>The most turns an agent may take, for tools that limit them.</summary>
    public int? MaxTurns { get; init; }

    /// <summary>Exit codes that count as success; empty when any exit code means the tool ran (checks judged by their findings). The default value is <c>[0]</c>.</summary>
    public IReadOnlyList<int> SuccessExitCodes { get; init; } = [0];
}
