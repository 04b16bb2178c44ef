namespace Orch.Core.Testing;

/// <summary>One test's result in a run: its full name, passed, failed or skipped, and, for a failure, where the test is.</summary>
public sealed record TestOutcome(string Test, string Outcome)
{
    /// <summary>The test's file, relative to the repository, when the results name it.</summary>
    public string? File { get; init; }

    public int? Line { get; init; }
}
