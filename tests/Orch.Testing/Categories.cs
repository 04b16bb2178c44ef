namespace Orch.Testing;

/// <summary>Test categories. <c>build/test.sh --fast</c> leaves out <see cref="Process"/>.</summary>
public static class Categories
{
    /// <summary>Starts real processes, git or dotnet.</summary>
    public const string Process = "Process";

    /// <summary>The reliability suite: crashes, signals, storage faults, concurrency and hostile input (<c>tests/Orch.Reliability.Tests</c>).</summary>
    public const string Reliability = "Reliability";

    /// <summary>Drives headless Chromium against the dashboard (<c>tests/Orch.Dashboard.Tests</c>).</summary>
    public const string Browser = "Browser";
}
