using Orch.Core.Testing;

namespace Orch.Core.Application;

/// <summary>What a test run recorded, on which branch, and what the gates found; or why nothing was recorded.</summary>
public sealed record TestRunResult(string RunId, IReadOnlyList<TestOutcome> Outcomes, TestGateResult Gates, string Branch, string Project, OrchError? Error = null)
{
    public int Failed => Outcomes.Count(o => o.Outcome == "failed");

    /// <summary>True when every test passed and every gate held.</summary>
    public bool Passed => Error is null && Failed == 0 && Gates.Passed;
}
