using Orch.Core.Planning;

namespace Orch.Core.Workflow;

/// <summary>
/// STATIC and RUNTIME commands for workstreams that list none, chosen by evidence in the worktree. For .NET:
/// <c>dotnet format</c> as the autofixer, <c>dotnet build</c> with its warnings as findings, and <c>dotnet test</c>.
/// </summary>
public static class PhaseDefaults
{
    public static IReadOnlyList<PhaseCommand> Static(string worktree) => IsDotnet(worktree)
        ? [new PhaseCommand { Command = ["dotnet", "format"], Autofix = true }, PhaseCommand.Argv("dotnet", "build", "--nologo")]
        : [];

    public static IReadOnlyList<PhaseCommand> Runtime(string worktree) => IsDotnet(worktree)
        ? [PhaseCommand.Argv("dotnet", "test", "--nologo")]
        : [];

    private static bool IsDotnet(string worktree) =>
        Directory.EnumerateFiles(worktree, "*.sln").Any() || Directory.EnumerateFiles(worktree, "*.slnx").Any()
        || Directory.EnumerateFiles(worktree, "*.csproj").Any();
}
