using Orch.Core.Storage;

namespace Orch.Core.Testing;

/// <summary>
/// The RUNTIME gates: no test that passed on the base branch fails now (a regression), and no test gives two outcomes on
/// one commit (a new flaky test). Checks against the history first, then records this run's outcomes.
/// </summary>
public sealed class TestGate(ITestResultStore store)
{
    /// <param name="baseBranch">Tests that passed there must not fail now; <see langword="null"/> when the repository has no base branch to compare with.</param>
    public async Task<TestGateResult> RecordAndCheckAsync(string runId, TestSubject at, string? baseBranch, IReadOnlyList<TestOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        var regressions = new List<GateFailure>();
        var flaky = new List<GateFailure>();
        var baseline = new List<string>();
        foreach (var group in outcomes.GroupBy(o => o.Test))
        {
            var located = group.FirstOrDefault(o => o.File is not null);
            GateFailure Failure(string message) => new(group.Key, message, located?.File, located?.Line);
            var now = group.Select(o => o.Outcome).ToHashSet(StringComparer.Ordinal);
            if (now.Contains("passed") && now.Contains("failed"))
            {
                flaky.Add(Failure($"{group.Key} passed and failed in this run"));
                continue;
            }

            var before = await store.LastOutcomeOnCommitAsync(at.Project, group.Key, at.Commit, cancellationToken);
            if (before is "passed" or "failed" && now.Contains(before == "passed" ? "failed" : "passed"))
            {
                flaky.Add(Failure($"{group.Key} {before} earlier on commit {at.Commit[..Math.Min(7, at.Commit.Length)]} and {now.First()} now"));
            }

            if (now.Contains("failed") && baseBranch is not null && at.Branch != baseBranch)
            {
                switch (await store.LastOutcomeOnBranchAsync(at.Project, group.Key, baseBranch, cancellationToken))
                {
                    case "passed":
                        regressions.Add(Failure($"{group.Key} passed on {baseBranch} and fails now"));
                        break;
                    case "failed":
                        baseline.Add(group.Key);
                        break;
                }
            }
        }

        await store.RecordTestOutcomesAsync(runId, at, outcomes, cancellationToken);
        return new TestGateResult(regressions, flaky) { Baseline = baseline };
    }
}
