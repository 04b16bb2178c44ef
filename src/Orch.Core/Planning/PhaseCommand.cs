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

    public string Display => UseShell ? Command[0] : string.Join(' ', Command);

    public static PhaseCommand Shell(string command, bool autofix = false) => new() { Command = [command], UseShell = true, Autofix = autofix };

    public static PhaseCommand Argv(params string[] argv) => new() { Command = argv };
}
