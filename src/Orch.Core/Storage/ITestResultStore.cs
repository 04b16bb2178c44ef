using Orch.Core.Testing;

namespace Orch.Core.Storage;

/// <summary>Test outcomes per project, branch and commit: the history the RUNTIME gates compare against.</summary>
public interface ITestResultStore
{
    /// <summary>Stores one test run's outcomes in one transaction.</summary>
    /// <param name="runId">The run that produced them.</param>
    /// <param name="at">The project, branch and commit they belong to.</param>
    /// <param name="outcomes">The outcomes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the outcomes are committed.</returns>
    Task RecordTestOutcomesAsync(string runId, TestSubject at, IReadOnlyList<TestOutcome> outcomes, CancellationToken cancellationToken);

    /// <summary>The newest recorded outcome of a test on one commit.</summary>
    /// <param name="project">The test project, relative to the repository.</param>
    /// <param name="test">The test's full name.</param>
    /// <param name="commit">The commit.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><c>passed</c>, <c>failed</c> or another outcome word, or <see langword="null"/> when none was recorded.</returns>
    Task<string?> LastOutcomeOnCommitAsync(string project, string test, string commit, CancellationToken cancellationToken);

    /// <summary>The newest recorded outcome of a test on a branch.</summary>
    /// <param name="project">The test project, relative to the repository.</param>
    /// <param name="test">The test's full name.</param>
    /// <param name="branch">The branch.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The outcome word, or <see langword="null"/> when none was recorded.</returns>
    Task<string?> LastOutcomeOnBranchAsync(string project, string test, string branch, CancellationToken cancellationToken);
}
