namespace Orch.Abstractions.Adapters;

/// <summary>A process to start: an argv array, never a command line to split.</summary>
public sealed record ProcessRequest
{
    /// <summary>The executable followed by its arguments.</summary>
    public required IReadOnlyList<string> Argv { get; init; }

    /// <summary>The absolute working directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Variables set on top of the inherited environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Text written to standard input, which is then closed. Standard input is closed at once when <see langword="null"/>.</summary>
    public string? StandardInput { get; init; }

    /// <summary>How long the process may run before its tree is killed; <see langword="null"/> for no limit.</summary>
    public TimeSpan? Timeout { get; init; }
}
