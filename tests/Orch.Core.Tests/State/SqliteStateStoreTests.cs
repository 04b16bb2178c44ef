using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Testing;

namespace Orch.Core.Tests.State;

[TestClass]
public sealed class SqliteStateStoreTests
{
    internal static readonly WorkerIdentity Owner = new("worker:test:1:aa", "test", new ProcessIdentity(1, 0));

    internal static JobSpec Spec(string name, string root) => new()
    {
        Name = name,
        Tool = "process",
        Command = ["true"],
        RepositoryRoot = root,
        WorkingDirectory = root,
    };

    [TestMethod]
    public async Task Open_NewFile_CreatesEveryTableAtTheLatestVersion()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);

        Assert.AreEqual(Migrations.LatestVersion, await store.GetSchemaVersionAsync(CancellationToken.None));
        await using var connection = new SqliteConnection($"Data Source={dir.Combine("state.db")}");
        await connection.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;";
        var tables = new List<string>();
        using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        CollectionAssert.AreEqual(new[] { "attempts", "costs", "events", "findings", "job_findings", "jobs", "legacy_imports", "phases", "runs", "test_results", "workstreams", "worktrees" }, tables);
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.AreEqual("wal", await cmd.ExecuteScalarAsync());
    }

    [TestMethod]
    public async Task Open_DatabaseFromANewerOrch_IsRefusedAndLeftUntouched()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("state.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "CREATE TABLE future (x); PRAGMA user_version = 99;";
            await cmd.ExecuteNonQueryAsync();
        }

        var before = await File.ReadAllBytesAsync(path);
        var ex = await Assert.ThrowsExactlyAsync<StateDatabaseException>(() => SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None));

        StringAssert.Contains(ex.Message, "schema version 99, newer than this Orch understands");
        StringAssert.Contains(ex.Hint, "Upgrade Orch");
        CollectionAssert.AreEqual(before, await File.ReadAllBytesAsync(path), "a refused database must not be changed");
    }

    [TestMethod]
    public async Task Open_FileThatIsNotADatabase_IsRefusedWithAClearMessage()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("state.db", "this is a text file, not SQLite, and it is long enough to have a header page");

        var ex = await Assert.ThrowsExactlyAsync<StateDatabaseException>(() => SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None));

        StringAssert.Contains(ex.Message, "is not an Orch state database");
        Assert.AreEqual("this is a text file, not SQLite, and it is long enough to have a header page", await File.ReadAllTextAsync(path));
    }

    [TestMethod]
    public async Task ReadEvents_OfARunOrAJob_SearchesTheirIndexes_NeverTheWholeLog()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("state.db");
        await (await SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None)).DisposeAsync();
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + Orch.Core.Storage.Sql.SqlStateStore.EventsOfSubjectSql;
        explain.Parameters.AddWithValue("@subject", "run-a");
        explain.Parameters.AddWithValue("@after", 0);
        explain.Parameters.AddWithValue("@limit", 1000);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var text = string.Join("\n", plan);
        StringAssert.Contains(text, "USING INDEX ix_events_run (run_id=? AND id>?)", text);
        StringAssert.Contains(text, "USING INDEX ix_events_job (job_id=? AND id>?)", text);
        Assert.IsFalse(text.Contains("TEMP B-TREE", StringComparison.Ordinal), "the two halves are merged in id order, not collected and sorted:\n" + text);
    }

    [TestMethod]
    public async Task Open_AFolder_IsRefusedAsNotADatabase_ForWritingAndForReading()
    {
        using var dir = new TempDirectory();
        var folder = dir.Combine("state");
        Directory.CreateDirectory(folder);

        var writing = await Assert.ThrowsExactlyAsync<StateDatabaseException>(() => SqliteStateStore.OpenAsync(folder, TimeProvider.System, CancellationToken.None));
        var reading = await Assert.ThrowsExactlyAsync<StateDatabaseException>(() => SqliteStateStore.OpenReadOnlyAsync(folder, TimeProvider.System, CancellationToken.None));

        foreach (var ex in new[] { writing, reading })
        {
            Assert.AreEqual(StateDatabaseFault.NotADatabase, ex.Fault);
            StringAssert.Contains(ex.Message, "is a folder, not a database file");
        }

        Assert.IsEmpty(Directory.EnumerateFileSystemEntries(folder).ToList());
    }

    [TestMethod]
    public async Task Open_OlderDatabase_IsUpgradedKeepingItsRows()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("state.db");
        string jobId;
        await using (var store = await SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None))
        {
            jobId = (await store.EnqueueJobsAsync(null, [Spec("kept", dir.Path)], CancellationToken.None))[0].Id;
        }

        IReadOnlyList<string> next = [.. Migrations.All, "ALTER TABLE jobs ADD COLUMN note TEXT DEFAULT 'upgraded';"];
        await using var upgraded = await SqliteStateStore.OpenAsync(path, TimeProvider.System, next, CancellationToken.None);

        Assert.AreEqual(Migrations.LatestVersion + 1, await upgraded.GetSchemaVersionAsync(CancellationToken.None));
        Assert.AreEqual("kept", (await upgraded.GetJobAsync(jobId, CancellationToken.None))!.Spec.Name);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT note FROM jobs;";
        Assert.AreEqual("upgraded", await cmd.ExecuteScalarAsync());
    }

    [TestMethod]
    public async Task Open_DatabaseWithTheLeaseIndexOverEveryJob_IsUpgraded_AndExpiredLeasesAreStillRescued()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("state.db");
        string held;
        // Schema 7 indexed every job's lease; 8 keeps running jobs' alone.
        await using (var old = await SqliteStateStore.OpenAsync(path, TimeProvider.System, [.. Migrations.All.Take(7)], CancellationToken.None))
        {
            await old.EnqueueJobsAsync(null, [Spec("held", dir.Path), Spec("waiting", dir.Path)], CancellationToken.None);
            held = (await old.ClaimNextJobAsync(Owner, TimeSpan.FromMilliseconds(1), CancellationToken.None))!.Id;
            var done = (await old.ClaimNextJobAsync(Owner with { Id = "worker:test:2" }, TimeSpan.FromHours(1), CancellationToken.None))!;
            await old.CompleteJobAsync(new JobCompletion { JobId = done.Id, Fence = done.Fence, Status = JobStatus.Succeeded, ExitCode = 0 }, CancellationToken.None);
        }

        await Task.Delay(20);
        await using var store = await SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { held }, (await store.RescueExpiredLeasesAsync(3, CancellationToken.None)).ToList());
        Assert.AreEqual(JobStatus.Queued, (await store.GetJobAsync(held, CancellationToken.None))!.Status);
        Assert.AreEqual(Migrations.LatestVersion, await store.GetSchemaVersionAsync(CancellationToken.None));
        var again = (await store.ClaimNextJobAsync(Owner, TimeSpan.FromMilliseconds(1), CancellationToken.None))!;
        await Task.Delay(20);
        CollectionAssert.AreEqual(new[] { again.Id }, (await store.RescueExpiredLeasesAsync(3, CancellationToken.None)).ToList(), "a lease taken after the upgrade");
    }

    [TestMethod]
    public async Task ClaimNextJob_FromFourConnectionsAtOnce_HandsEachJobOutExactlyOnce()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("state.db");
        await using (var seed = await SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None))
        {
            await seed.EnqueueJobsAsync(null, Enumerable.Range(0, 200).Select(i => Spec($"j{i}", dir.Path)).ToArray(), CancellationToken.None);
        }

        var claimed = new System.Collections.Concurrent.ConcurrentBag<string>();
        var claimers = Enumerable.Range(0, 4).Select(async n =>
        {
            await using var store = await SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None);
            var owner = Owner with { Id = $"worker:test:{n}" };
            while (await store.ClaimNextJobAsync(owner, CancellationToken.None) is { } job)
            {
                claimed.Add(job.Id);
            }
        });
        await Task.WhenAll(claimers);

        Assert.HasCount(200, claimed);
        Assert.AreEqual(200, claimed.Distinct().Count(), "a job was claimed twice");
    }

    [TestMethod]
    public async Task CompleteJob_StoresResultAttemptsEventsAndDeduplicatedFindings()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero));
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), time, CancellationToken.None);
        var run = await store.CreateRunAsync("job", "x.yaml", CancellationToken.None);
        var job = await store.StartJobAsync(run.Id, Spec("x", dir.Path), Owner, CancellationToken.None);
        var finding = new Finding("src/a.cs", 10, 5, "CS0168", "The variable 'e' is declared but never used", FindingSeverity.Warning, "dotnet");

        await store.CompleteJobAsync(new JobCompletion
        {
            JobId = job.Id,
            Status = JobStatus.Failed,
            ExitCode = 1,
            Error = "exit code 1",
            Attempts =
            [
                new AttemptRecord(1, JobStatus.Failed, 1, time.GetUtcNow(), TimeSpan.FromMilliseconds(20), "exit code 1", TimeSpan.Zero),
                new AttemptRecord(2, JobStatus.Failed, 1, time.GetUtcNow(), TimeSpan.FromMilliseconds(20), "exit code 1", TimeSpan.FromSeconds(1)),
            ],
            Findings = [finding, finding with { Line = 12 }],
            Events = [new NewEvent("job.finished", time.GetUtcNow(), run.Id, job.Id, "{}")],
        }, CancellationToken.None);

        var stored = (await store.GetJobAsync(job.Id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Failed, stored.Status);
        Assert.AreEqual(2, stored.Attempts);
        Assert.AreEqual(1, stored.ExitCode);
        var attempts = await store.ListAttemptsAsync(job.Id, CancellationToken.None);
        Assert.AreEqual(TimeSpan.FromSeconds(1), attempts[1].DelayBefore);
        var findings = await store.ListFindingsAsync(run.Id, CancellationToken.None);
        Assert.HasCount(1, findings, "the same finding on a drifted line is one finding");
        Assert.AreEqual(2, findings[0].Count);
        Assert.AreEqual(12, findings[0].Finding.Line);
        var kinds = (await store.ReadEventsAsync(job.Id, 0, 100, CancellationToken.None)).Select(e => e.Kind).ToArray();
        CollectionAssert.AreEqual(new[] { "job.started", "job.finished" }, kinds);
    }

    [TestMethod]
    public async Task Events_CannotBeChangedOrDeleted()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("state.db");
        await using (var store = await SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None))
        {
            await store.CreateRunAsync("job", null, CancellationToken.None);
        }

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "DELETE FROM events;";
        var ex = await Assert.ThrowsExactlyAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync());
        StringAssert.Contains(ex.Message, "append-only");
    }

    [TestMethod]
    public async Task RequeueJob_OnlyWhenTheExpectedOwnerStillHoldsIt()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        await store.EnqueueJobsAsync(null, [Spec("x", dir.Path)], CancellationToken.None);
        var job = (await store.ClaimNextJobAsync(Owner, CancellationToken.None))!;

        Assert.IsFalse(await store.RequeueJobAsync(job.Id, "worker:someone-else", "test", CancellationToken.None));
        Assert.IsTrue(await store.RequeueJobAsync(job.Id, Owner.Id, "test", CancellationToken.None));
        Assert.IsFalse(await store.RequeueJobAsync(job.Id, Owner.Id, "test", CancellationToken.None), "requeued twice");
        var requeued = (await store.GetJobAsync(job.Id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Queued, requeued.Status);
        Assert.AreEqual(1, requeued.Recoveries);
        Assert.IsNull(requeued.Owner);
    }
}
