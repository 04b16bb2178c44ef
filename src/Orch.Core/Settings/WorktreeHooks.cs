using Orch.Core.Documents;
using Orch.Core.Planning;

namespace Orch.Core.Settings;

/// <summary>
/// The <c>worktree:</c> section of <c>.orch/orch.yaml</c>: shell commands run at set moments of a workstream's
/// worktree, and files the repository ignores that each worktree still needs. A hook runs in the worktree, its output
/// goes to its own log, and a failing hook stops the workstream.
/// </summary>
public sealed record WorktreeHooks
{
    public static WorktreeHooks None { get; } = new();

    /// <summary>Run once in each new worktree, before EDIT (a restore, a tool install). The default value is none.</summary>
    public IReadOnlyList<PhaseCommand> Setup { get; init; } = [];

    /// <summary>Run before each phase attempt (EDIT, and each STATIC or RUNTIME check). The default value is none.</summary>
    public IReadOnlyList<PhaseCommand> BeforeRun { get; init; } = [];

    /// <summary>Run after each phase attempt, whatever its result. The default value is none.</summary>
    public IReadOnlyList<PhaseCommand> AfterRun { get; init; } = [];

    /// <summary>Run in a worktree before <c>cleanup</c> removes it; when one fails, the worktree is kept. The default value is none.</summary>
    public IReadOnlyList<PhaseCommand> BeforeRemove { get; init; } = [];

    /// <summary>
    /// Paths, relative to the repository, copied from the main working tree into each new worktree before setup:
    /// files git ignores but tools need (<c>.env</c>, local settings). A path that does not exist is skipped. The default
    /// value is none.
    /// </summary>
    public IReadOnlyList<string> Copy { get; init; } = [];

    /// <summary>Each hook by its name in <c>orch.yaml</c>, in the order a workstream meets them.</summary>
    public IEnumerable<(string Name, IReadOnlyList<PhaseCommand> Commands)> All =>
        [("setup", Setup), ("before_run", BeforeRun), ("after_run", AfterRun), ("before_remove", BeforeRemove)];

    internal static WorktreeHooks Read(FieldReader? worktree)
    {
        if (worktree is null)
        {
            return None;
        }

        IReadOnlyList<PhaseCommand> Commands(string key) => (worktree.StringList(key) ?? []).Select(c => PhaseCommand.Shell(c)).ToList();
        var hooks = new WorktreeHooks
        {
            Setup = Commands("setup"),
            BeforeRun = Commands("before_run"),
            AfterRun = Commands("after_run"),
            BeforeRemove = Commands("before_remove"),
            Copy = worktree.StringList("copy") ?? [],
        };
        foreach (var path in hooks.Copy.Where(p => Path.IsPathRooted(p) || p.Replace('\\', '/').Split('/').Contains("..")))
        {
            worktree.Error(worktree.Node("copy")!, Diagnostics.DiagnosticCodes.InvalidValue,
                $"worktree.copy entry '{path}' leaves the repository", "List paths relative to the repository root, without '..'.");
        }

        worktree.ReportUnknownFields(Abstractions.Diagnostics.FindingSeverity.Error);
        return hooks;
    }
}
