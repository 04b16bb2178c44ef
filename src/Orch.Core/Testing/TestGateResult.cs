namespace Orch.Core.Testing;

/// <summary>What the RUNTIME gates found: tests that passed on the base branch and fail now, and tests that flip on one commit.</summary>
public sealed record TestGateResult(IReadOnlyList<string> Regressions, IReadOnlyList<string> Flaky)
{
    public bool Passed => Regressions.Count == 0 && Flaky.Count == 0;
}
