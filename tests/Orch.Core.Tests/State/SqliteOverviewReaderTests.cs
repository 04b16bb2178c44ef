using Microsoft.Data.Sqlite;
using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Testing;

namespace Orch.Core.Tests.State;

[TestClass]
public sealed class SqliteOverviewReaderTests
{
    private static async Task<string> StoreWithHistoryAsync(TempDirectory dir, int runs)
    {
        var path = dir.Combine("state.db");
        await using var store = await SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None);
        for (var i = 0; i < runs; i++)
        {
            var run = await store.CreateRunAsync(i % 2 == 0 ? "plan" : "job", i % 3 == 0 ? null : $"plans/p{i}.yaml", CancellationToken.None);
            if (i % 4 == 1)
            {
                await store.FinishRunAsync(run.Id, RunStatus.Failed, "budget", CancellationToken.None);
            }
            else if (i % 4 == 2)
            {
                await store.RequestCancelAsync(run.Id, CancellationToken.None);
            }
        }

        await store.EnqueueJobsAsync(null, [SqliteStateStoreTests.Spec("a", dir.Path), SqliteStateStoreTests.Spec("b", dir.Path), SqliteStateStoreTests.Spec("c", dir.Path)], CancellationToken.None);
        await store.StartJobAsync(null, SqliteStateStoreTests.Spec("d", dir.Path), SqliteStateStoreTests.Owner, CancellationToken.None);
        return path;
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [TestMethod]
    public async Task TryRead_OnAHealthyDatabase_ReturnsTheSameCountsAndLatestRunsAsTheStore()
    {
        using var dir = new TempDirectory();
        var path = await StoreWithHistoryAsync(dir, runs: 14);

        var overview = SqliteOverviewReader.TryRead(path, 10);

        Assert.IsNotNull(overview);
        await using var store = await SqliteStateStore.OpenForReadingAsync(path, TimeProvider.System, CancellationToken.None);
        var counts = await store.CountJobsAsync(CancellationToken.None);
        var runs = await store.ListRunsAsync(10, CancellationToken.None);
        CollectionAssert.AreEqual(JobCount.Of(counts).ToList(), overview.JobCounts.ToList(), "the same counts in the same order");
        Assert.AreEqual(3, overview.JobCounts.Single(c => c.Status == JobStatus.Queued).Count);
        Assert.AreEqual(1, overview.JobCounts.Single(c => c.Status == JobStatus.Running).Count);
        Assert.HasCount(10, overview.Runs);
        CollectionAssert.AreEqual(runs.ToList(), overview.Runs.ToList(), "the same records in the same order, source, stop reason and cancel request included");
        Assert.IsTrue(overview.Runs.Any(r => r.CancelRequestedAt is not null) && overview.Runs.Any(r => r.FinishedAt is not null && r.StopReason == "budget"));
    }

    [TestMethod]
    public async Task TryRead_OfAPathAndTextsBeyondAscii_ReadsThemAsTheStoreDoes()
    {
        using var dir = new TempDirectory();
        var folder = Directory.CreateDirectory(dir.Combine("répo ünïcode 日本")).FullName;
        var path = Path.Combine(folder, "state.db");
        await using (var store = await SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None))
        {
            await store.CreateRunAsync("plan", "plans/ünïcode \"quoted\" 日本 <tag> & +.yaml", CancellationToken.None);
        }

        var overview = SqliteOverviewReader.TryRead(path, 10);

        Assert.IsNotNull(overview);
        Assert.AreEqual("plans/ünïcode \"quoted\" 日本 <tag> & +.yaml", overview.Runs.Single().Source);
    }

    [TestMethod]
    public async Task TryRead_OnAnEmptyDatabase_ReturnsNoCountsAndNoRuns()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("state.db");
        await (await SqliteStateStore.OpenAsync(path, TimeProvider.System, CancellationToken.None)).DisposeAsync();

        var overview = SqliteOverviewReader.TryRead(path, 10);

        Assert.IsNotNull(overview);
        Assert.IsEmpty(overview.JobCounts);
        Assert.IsEmpty(overview.Runs);
    }

    [TestMethod]
    [DataRow("older", DisplayName = "an older schema, which the store upgrades")]
    [DataRow("newer", DisplayName = "a newer schema, which the store refuses")]
    [DataRow("damaged", DisplayName = "a damaged file, which the store refuses with recovery steps")]
    [DataRow("not-a-database", DisplayName = "a file that is not a database")]
    [DataRow("unknown-status", DisplayName = "a status this Orch does not know")]
    [DataRow("missing", DisplayName = "no file")]
    public async Task TryRead_WhenTheFileIsNotCurrentAndHealthy_AnswersNothing_SoTheStoreDecides(string shape)
    {
        using var dir = new TempDirectory();
        var path = await StoreWithHistoryAsync(dir, runs: 3);
        switch (shape)
        {
            case "older":
                Execute(path, $"PRAGMA user_version = {Migrations.LatestVersion - 1};");
                break;
            case "newer":
                Execute(path, $"PRAGMA user_version = {Migrations.LatestVersion + 1};");
                break;
            case "damaged":
                Execute(path, "PRAGMA journal_mode = DELETE;");
                var size = new FileInfo(path).Length;
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    file.Seek(size / 2 / 4096 * 4096, SeekOrigin.Begin);
                    file.Write(Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 + 7)).ToArray());
                }

                break;
            case "not-a-database":
                File.WriteAllBytes(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray());
                break;
            case "unknown-status":
                Execute(path, "UPDATE jobs SET status = 'hibernating' WHERE id = (SELECT min(id) FROM jobs);");
                break;
            case "missing":
                File.Delete(path);
                break;
        }

        var before = File.Exists(path) ? File.ReadAllBytes(path) : null;

        Assert.IsNull(SqliteOverviewReader.TryRead(path, 10));
        CollectionAssert.AreEqual(before, File.Exists(path) ? File.ReadAllBytes(path) : null, "the reader never writes");
    }
}
