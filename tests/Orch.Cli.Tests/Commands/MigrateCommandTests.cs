using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orch.Cli.Tests.Support;
using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Core.Workflow;
using Orch.Testing;

namespace Orch.Cli.Tests.Commands;

[TestClass]
public sealed class MigrateCommandTests
{
    /// <summary>A pipeline_state.db made from the legacy DDL as it is, with rows the old engines would have written.</summary>
    private static async Task<string> LegacyDatabaseAsync(TempDirectory dir)
    {
        var path = dir.Combine("pipeline_state.db");
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = await File.ReadAllTextAsync(TestData.Path("legacy", "state", "schema.sql")) + """
            INSERT INTO runs VALUES ('run-20251120-001', 'completed', '2025-11-20T10:00:00Z', '2025-11-20T11:00:00Z', '{"plan":"ph07"}');
            INSERT INTO runs VALUES ('run-20251121-002', 'failed', '2025-11-21T09:00:00Z', '2025-11-21T09:30:00Z', NULL);
            INSERT INTO workstreams VALUES ('ws-01-hardcoded-path-index', 'run-20251120-001', 'completed', '[]', '2025-11-20T10:00:00Z', '2025-11-20T10:20:00Z', NULL);
            INSERT INTO workstreams VALUES ('ws-02-section-mapping-config', 'run-20251120-001', 'completed', '["ws-01-hardcoded-path-index"]', '2025-11-20T10:20:00Z', '2025-11-20T10:50:00Z', NULL);
            INSERT INTO workstreams VALUES ('ws-escalation-example', 'run-20251121-002', 'failed', '[]', '2025-11-21T09:00:00Z', '2025-11-21T09:30:00Z', NULL);
            INSERT INTO step_attempts (run_id, ws_id, step_name, status, started_at, completed_at, result_json) VALUES
              ('run-20251120-001', 'ws-01-hardcoded-path-index', 'edit', 'completed', '2025-11-20T10:00:00Z', '2025-11-20T10:05:00Z', '{"exit_code":0}'),
              ('run-20251120-001', 'ws-01-hardcoded-path-index', 'static', 'completed', '2025-11-20T10:05:00Z', '2025-11-20T10:06:30Z', NULL),
              ('run-20251120-001', 'ws-02-section-mapping-config', 'edit', 'completed', '2025-11-20T10:20:00Z', '2025-11-20T10:30:00Z', NULL),
              ('run-20251121-002', 'ws-escalation-example', 'runtime', 'failed', '2025-11-21T09:10:00Z', '2025-11-21T09:20:00Z', '{"exit_code":1}');
            INSERT INTO errors (run_id, ws_id, step_name, error_code, signature, message, context_json, count, first_seen_at, last_seen_at) VALUES
              ('run-20251121-002', 'ws-escalation-example', 'runtime', 'PYTEST_FAIL', 'sig-aaa', 'tests/engine/test_x.py::test_y failed', NULL, 3, '2025-11-21T09:10:00Z', '2025-11-21T09:20:00Z'),
              ('run-20251121-002', 'ws-escalation-example', 'static', 'RUFF_F401', 'sig-bbb', 'os imported but unused', NULL, 1, '2025-11-21T09:05:00Z', '2025-11-21T09:05:00Z');
            INSERT INTO events (timestamp, run_id, ws_id, event_type, payload_json) VALUES
              ('2025-11-20T10:00:00Z', 'run-20251120-001', NULL, 'run_started', '{"by":"cli"}'),
              ('2025-11-20T10:00:01Z', 'run-20251120-001', 'ws-01-hardcoded-path-index', 'step_started', '{"step":"edit"}'),
              ('2025-11-20T10:05:00Z', 'run-20251120-001', 'ws-01-hardcoded-path-index', 'step_completed', 'not json at all'),
              ('2025-11-20T11:00:00Z', 'run-20251120-001', NULL, 'run_completed', NULL),
              ('2025-11-21T09:30:00Z', 'run-20251121-002', NULL, 'run_failed', '{"reason":"tests"}');
            """;
        await cmd.ExecuteNonQueryAsync();
        return path;
    }

    private static JsonElement Imported(string output) => JsonDocument.Parse(output).RootElement;

    [TestMethod]
    public async Task Migrate_RunTwice_ImportsEverythingOnceWithExactCountsAndNeverTouchesTheSource()
    {
        using var dir = new TempDirectory();
        var source = await LegacyDatabaseAsync(dir);
        var before = SHA256.HashData(await File.ReadAllBytesAsync(source));
        var db = dir.Combine(".orch", "state.db");

        var first = await OrchRunner.InProcessAsync("migrate", source, "--db", db, "--format", "json");
        var second = await OrchRunner.InProcessAsync("migrate", source, "--db", db, "--format", "json");

        Assert.AreEqual(0, first.Exit, first.Err);
        var counts = Imported(first.Out).GetProperty("imported");
        CollectionAssert.AreEqual(new[] { 2, 3, 4, 2, 5 }, new[] { "runs", "workstreams", "step_attempts", "errors", "events" }.Select(k => counts.GetProperty(k).GetInt32()).ToArray());
        Assert.AreEqual(0, Imported(first.Out).GetProperty("skipped").GetInt32());
        Assert.AreEqual(0, second.Exit, second.Err);
        var again = Imported(second.Out).GetProperty("imported");
        Assert.IsTrue(new[] { "runs", "workstreams", "step_attempts", "errors", "events" }.All(k => again.GetProperty(k).GetInt32() == 0), second.Out);
        Assert.AreEqual(16, Imported(second.Out).GetProperty("skipped").GetInt32());
        CollectionAssert.AreEqual(before, SHA256.HashData(await File.ReadAllBytesAsync(source)), "the legacy database must not change");

        await using var store = await SqliteStateStore.OpenAsync(db, TimeProvider.System, CancellationToken.None);
        Assert.AreEqual(RunStatus.Succeeded, (await store.GetRunAsync("legacy-run-20251120-001", CancellationToken.None))!.Status);
        Assert.AreEqual(RunStatus.Failed, (await store.GetRunAsync("legacy-run-20251121-002", CancellationToken.None))!.Status);
        var jobs = await store.ListJobsAsync(new JobQuery(RunId: "legacy-run-20251120-001"), CancellationToken.None);
        Assert.HasCount(3, jobs);
        Assert.IsTrue(jobs.All(j => j.Status == JobStatus.Succeeded));
        var attempts = await store.ListAttemptsAsync(jobs[1].Id, CancellationToken.None);
        Assert.AreEqual(TimeSpan.FromSeconds(90), attempts.Single().Duration);
        var findings = await store.ListFindingsAsync("legacy-run-20251121-002", CancellationToken.None);
        Assert.AreEqual(3, findings.Single(f => f.Signature == "sig-aaa").Count, "legacy error counts are kept");
        var workstreams = await store.ListWorkstreamsAsync("legacy-run-20251120-001", CancellationToken.None);
        CollectionAssert.AreEqual(new[] { WorkstreamStatus.Succeeded, WorkstreamStatus.Succeeded }, workstreams.Select(w => w.Status).ToArray());
        var events = await store.ReadEventsAsync("legacy-run-20251120-001", 0, 100, CancellationToken.None);
        CollectionAssert.AreEqual(new[] { "legacy.run_started", "legacy.step_started", "legacy.step_completed", "legacy.run_completed" }, events.Select(e => e.Kind).ToArray());
    }

    [TestMethod]
    public async Task Migrate_FileThatIsNotADatabase_IsRefused()
    {
        using var dir = new TempDirectory();
        var source = dir.Write("pipeline_state.db", "SQLite format? no, just text\n");

        var (exit, _, err) = await OrchRunner.InProcessAsync("migrate", source, "--db", dir.Combine("state.db"));

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "error ORCH2003:");
        StringAssert.Contains(err, "is not a SQLite database");
        Assert.IsFalse(File.Exists(dir.Combine("state.db")), "a refused import writes nothing");
    }

    [TestMethod]
    public async Task Migrate_OrchsOwnDatabase_IsRefusedForItsMissingTables()
    {
        using var dir = new TempDirectory();
        var orchDb = dir.Combine("other.db");
        await (await SqliteStateStore.OpenAsync(orchDb, TimeProvider.System, CancellationToken.None)).DisposeAsync();

        var (exit, _, err) = await OrchRunner.InProcessAsync("migrate", orchDb, "--db", dir.Combine("state.db"));

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "is not a legacy pipeline_state.db: it has no step_attempts, errors tables");
    }

    [TestMethod]
    public async Task Migrate_MissingFile_IsRefused()
    {
        using var dir = new TempDirectory();

        var (exit, _, err) = await OrchRunner.InProcessAsync("migrate", dir.Combine("nope.db"), "--db", dir.Combine("state.db"));

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "does not exist");
    }
}
