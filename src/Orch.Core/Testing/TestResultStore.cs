using System.Globalization;
using System.Xml.Linq;
using Microsoft.Data.Sqlite;

namespace Orch.Core.Testing;

/// <summary>
/// Records TRX outcomes per project, branch and commit, and checks the gates: no test that passed on the base branch
/// fails now, and no test gives two outcomes on one commit (a new flaky test).
/// </summary>
public static class TestResultStore
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static IReadOnlyList<TestOutcome> ReadTrx(string file) => XDocument.Load(file).Descendants(Ns + "UnitTestResult")
        .Select(r => new TestOutcome((string?)r.Attribute("testName") ?? "", ((string?)r.Attribute("outcome") ?? "").ToLowerInvariant()))
        .Where(o => o.Test.Length > 0)
        .GroupBy(o => o.Test)
        // A test run twice in one TRX (a retry) with two outcomes is flaky; keep both so the gate sees it.
        .SelectMany(g => g.DistinctBy(o => o.Outcome))
        .ToList();

    public static async Task<TestGateResult> RecordAndCheckAsync(string database, string runId, string project, string branch, string commit, string baseBranch,
        IReadOnlyList<TestOutcome> outcomes, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync(cancellationToken);
        var regressions = new List<string>();
        var flaky = new List<string>();
        foreach (var group in outcomes.GroupBy(o => o.Test))
        {
            var now = group.Select(o => o.Outcome).ToHashSet(StringComparer.Ordinal);
            if (now.Contains("passed") && now.Contains("failed"))
            {
                flaky.Add($"{group.Key} passed and failed in this run");
                continue;
            }

            var earlierOnCommit = await ScalarAsync(connection, "SELECT outcome FROM test_results WHERE project = $p AND test = $t AND commit_sha = $c ORDER BY id DESC LIMIT 1;",
                cancellationToken, ("$p", project), ("$t", group.Key), ("$c", commit));
            if (earlierOnCommit is string before && before is "passed" or "failed" && now.Contains(before == "passed" ? "failed" : "passed"))
            {
                flaky.Add($"{group.Key} {before} earlier on commit {commit[..Math.Min(7, commit.Length)]} and {now.First()} now");
            }

            if (now.Contains("failed") && branch != baseBranch)
            {
                var onBase = await ScalarAsync(connection, "SELECT outcome FROM test_results WHERE project = $p AND test = $t AND branch = $b ORDER BY id DESC LIMIT 1;",
                    cancellationToken, ("$p", project), ("$t", group.Key), ("$b", baseBranch));
                if (onBase as string == "passed")
                {
                    regressions.Add($"{group.Key} passed on {baseBranch} and fails now");
                }
            }
        }

        using var tx = connection.BeginTransaction(deferred: false);
        foreach (var outcome in outcomes)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO test_results (run_id, project, branch, commit_sha, test, outcome, ts) VALUES ($r, $p, $b, $c, $t, $o, $ts);";
            insert.Parameters.AddWithValue("$r", runId);
            insert.Parameters.AddWithValue("$p", project);
            insert.Parameters.AddWithValue("$b", branch);
            insert.Parameters.AddWithValue("$c", commit);
            insert.Parameters.AddWithValue("$t", outcome.Test);
            insert.Parameters.AddWithValue("$o", outcome.Outcome);
            insert.Parameters.AddWithValue("$ts", time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return new TestGateResult(regressions, flaky);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string, object)[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return await cmd.ExecuteScalarAsync(cancellationToken);
    }
}
