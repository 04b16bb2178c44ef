using Orch.Core.Testing;

namespace Orch.Core.Application;

/// <summary>What a test run recorded, on which branch, and what the gates found; or why nothing was recorded.</summary>
public sealed record TestRunResult(string RunId, IReadOnlyList<TestOutcome> Outcomes, TestGateResult Gates, string Branch, string Project, OrchError? Error = null)
{
    /// <summary>Tests a runner counted in its summary without naming them (a project that writes no report); the default value is none.</summary>
    public TestTotals Unnamed { get; init; } = TestTotals.None;

    /// <summary>The branch regressions were checked against, or <see langword="null"/> when the repository has none.</summary>
    public string? BaseBranch { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Every test counted: those the reports named and those the runners only counted.</summary>
    public TestTotals Totals => new TestTotals(Outcomes.Count, Count("passed"), Count("failed"), Outcomes.Count - Count("passed") - Count("failed")) + Unnamed;

    public int Failed => Totals.Failed;

    /// <summary>True when no test failed that had not failed on the base branch too, and every gate held.</summary>
    public bool Passed => Error is null && Outcomes.Where(o => o.Outcome == "failed").Select(o => o.Test).Except(Gates.Baseline).Count() + Unnamed.Failed == 0 && Gates.Passed;

    private int Count(string outcome) => Outcomes.Count(o => o.Outcome == outcome);
}
