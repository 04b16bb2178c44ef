namespace Orch.Core.Testing;

/// <summary>
/// What the RUNTIME gates found: tests that passed on the base branch and fail now, and tests that flip on one commit.
/// Tests that fail now and failed on the base branch too are the baseline: reported, never blocking.
/// </summary>
public sealed record TestGateResult(IReadOnlyList<GateFailure> Regressions, IReadOnlyList<GateFailure> Flaky)
{
    /// <summary>Failing tests that failed on the base branch too.</summary>
    public IReadOnlyList<string> Baseline { get; init; } = [];

    public bool Passed => Regressions.Count == 0 && Flaky.Count == 0;
}

/// <summary>One test a gate stopped, what it found and where the test is, when the results say.</summary>
public sealed record GateFailure(string Test, string Message, string? File, int? Line)
{
    /// <summary>The MSBuild-style origin: <c>file(line)</c>, the file alone, or <paramref name="fallback"/>.</summary>
    public string Origin(string fallback) => File is null ? fallback : Line is { } line ? $"{File}({line})" : File;
}
