using Orch.Core.Planning;
using Orch.Core.Profiles;

namespace Orch.Core.Workflow;

/// <summary>
/// STATIC and RUNTIME commands for workstreams that list none when the project names no profile: the built-in
/// profile the worktree shows evidence for (a solution or project file means the dotnet profile), else none.
/// </summary>
public static class PhaseDefaults
{
    public static IReadOnlyList<PhaseCommand> Static(string worktree) => Detect(worktree)?.Static ?? [];

    public static IReadOnlyList<PhaseCommand> Runtime(string worktree) => Detect(worktree)?.Runtime ?? [];

    /// <summary>The built-in profile the folder shows evidence for, or <see langword="null"/>.</summary>
    public static Profile? Detect(string worktree) => IsDotnet(worktree) ? ProfileCatalog.LoadBuiltIn().Value?.Find("dotnet") : null;

    private static bool IsDotnet(string worktree) =>
        Directory.EnumerateFiles(worktree, "*.sln").Any() || Directory.EnumerateFiles(worktree, "*.slnx").Any()
        || Directory.EnumerateFiles(worktree, "*.csproj").Any();
}
