using Orch.Abstractions.State;
using Orch.Core.Git;
using Orch.Core.Testing;

namespace Orch.Cli.Hosting;

/// <summary>
/// Records a test run's outcomes against the repository's branch and commit, checks the RUNTIME gates, and prints a
/// failed gate as MSBuild error lines (ORCH1602 regression, ORCH1603 new flaky test).
/// </summary>
internal static class TestGateReporter
{
    public static async Task<(IReadOnlyList<TestOutcome> Outcomes, TestGateResult Gates, string Branch)> RecordAsync(CliContext context, RunRecord run,
        string project, IEnumerable<string> trxFiles, string baseBranch, TextWriter errors, CancellationToken cancellationToken)
    {
        using var git = new GitClient(context.Time);
        var branch = (await git.TryRunAsync(context.RepositoryRoot, ["rev-parse", "--abbrev-ref", "HEAD"], cancellationToken)).StandardOutput.Trim();
        var commit = (await git.TryRunAsync(context.RepositoryRoot, ["rev-parse", "HEAD"], cancellationToken)).StandardOutput.Trim();
        var outcomes = trxFiles.SelectMany(TestResultStore.ReadTrx).ToList();
        var gates = await TestResultStore.RecordAndCheckAsync(context.DatabasePath, run.Id, Path.GetRelativePath(context.RepositoryRoot, project),
            branch.Length == 0 ? "(none)" : branch, commit.Length == 0 ? "(none)" : commit, baseBranch, outcomes, context.Time, cancellationToken);
        foreach (var regression in gates.Regressions)
        {
            await errors.WriteLineAsync($"{project}: error ORCH1602: {regression}");
        }

        foreach (var flaky in gates.Flaky)
        {
            await errors.WriteLineAsync($"{project}: error ORCH1603: new flaky test: {flaky}");
        }

        return (outcomes, gates, branch);
    }
}
