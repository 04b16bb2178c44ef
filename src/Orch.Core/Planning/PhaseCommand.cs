namespace Orch.Core.Planning;

/// <summary>One STATIC or RUNTIME command: an argv list, or one string run through the shell.</summary>
public sealed record PhaseCommand
{
    public required IReadOnlyList<string> Command { get; init; }

    public bool UseShell { get; init; }

    /// <summary>An autofixer runs before the checks and may change files; its exit code does not fail the phase.</summary>
    public bool Autofix { get; init; }

    /// <summary>
    /// Arguments that make an autofixer report what it would change instead of changing it (<c>--verify-no-changes</c>),
    /// for checks that must not touch files, like the one inside <c>dotnet build</c>. The default value is empty: no verify mode.
    /// </summary>
    public IReadOnlyList<string> Verify { get; init; } = [];

    /// <summary>
    /// How an autofixer takes the files to fix: <c>append</c> puts them after the command, any other value is the option
    /// that goes before them (<c>--include</c>). The default value is <see langword="null"/>: the autofixer takes no file
    /// list, and what it changes in files the workstream did not change is undone.
    /// </summary>
    public string? Files { get; init; }

    /// <summary>The command fixing only <paramref name="files"/>, when it can be told which.</summary>
    public IReadOnlyList<string> For(IReadOnlyList<string> files) =>
        Files is null || files.Count == 0 ? Command : Files == "append" ? [.. Command, .. files] : [.. Command, Files, .. files];

    public string Display => UseShell ? Command[0] : string.Join(' ', Command);

    public static PhaseCommand Shell(string command, bool autofix = false) => new() { Command = [command], UseShell = true, Autofix = autofix };

    public static PhaseCommand Argv(params string[] argv) => new() { Command = argv };
}
