namespace Orch.Testing;

/// <summary>The Orch source tree the tests were built from, for tests that pack or load its projects' outputs.</summary>
public static class SourceTree
{
    /// <summary>The folder holding Orchestrator.sln, above the running test's own folder.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orchestrator.sln not found above the test folder");
    }

    /// <summary>The build configuration of the running tests (Release in CI), so a sibling project's output is found.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
}
