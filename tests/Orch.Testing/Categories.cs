namespace Orch.Testing;

/// <summary>Test categories. <c>build/test.sh --fast</c> leaves out <see cref="Process"/>.</summary>
public static class Categories
{
    /// <summary>Starts real processes, git or dotnet.</summary>
    public const string Process = "Process";
}
