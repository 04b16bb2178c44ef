using Orch.Core.Testing;

namespace Orch.Core.Storage.Sql;

/// <summary>The <see cref="ITestResultStore"/> role of the SQL stores.</summary>
public abstract partial class SqlStateStore
{
    public Task RecordTestOutcomesAsync(string runId, TestSubject at, IReadOnlyList<TestOutcome> outcomes, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            using var insert = Command("INSERT INTO test_results (run_id, project, branch, commit_sha, test, outcome, ts) VALUES (@r, @p, @b, @c, @t, @o, @ts);", tx);
            var now = Text(_time.GetUtcNow());
            foreach (var outcome in outcomes)
            {
                Bind(insert, ("@r", runId), ("@p", at.Project), ("@b", at.Branch), ("@c", at.Commit), ("@t", outcome.Test), ("@o", outcome.Outcome), ("@ts", now));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            return 0;
        }, cancellationToken);

    public Task<string?> LastOutcomeOnCommitAsync(string project, string test, string commit, CancellationToken cancellationToken) =>
        LastOutcomeAsync("commit_sha", project, test, commit, cancellationToken);

    public Task<string?> LastOutcomeOnBranchAsync(string project, string test, string branch, CancellationToken cancellationToken) =>
        LastOutcomeAsync("branch", project, test, branch, cancellationToken);

    private Task<string?> LastOutcomeAsync(string column, string project, string test, string value, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command($"SELECT outcome FROM test_results WHERE project = @p AND test = @t AND {column} = @v ORDER BY id DESC LIMIT 1;", null);
            Bind(cmd, ("@p", project), ("@t", test), ("@v", value));
            return await cmd.ExecuteScalarAsync(cancellationToken) as string;
        }, cancellationToken);
}
