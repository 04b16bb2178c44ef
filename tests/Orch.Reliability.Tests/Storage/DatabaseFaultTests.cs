using Microsoft.Data.Sqlite;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.Storage;

/// <summary>Damaged, truncated, newer, read-only and full: each refused or survived with ORCH2001 guidance, never written when refused.</summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class DatabaseFaultTests
{
    private static async Task<string> DatabaseWithJobsAsync(TempDirectory repo, int jobs = 300)
    {
        for (var i = 0; i < jobs; i++)
        {
            repo.Write($"jobs/t{i}.yaml", $"id: t{i}\ncommand: [\"true\"]\ndescription: \"{new string('x', 300)}\"\n");
        }

        var submit = await OrchProcess.RunAsync(repo, "job", "submit", "jobs");
        Assert.AreEqual(0, submit.Exit, submit.Err);
        return repo.Combine(".orch", "state.db");
    }

    [TestMethod]
    public async Task Commands_OnADamagedDatabase_RefuseWithRecoveryStepsAndNeverWriteIt()
    {
        using var repo = new TempDirectory();
        var database = await DatabaseWithJobsAsync(repo);
        var size = new FileInfo(database).Length;
        Assert.IsTrue(size > 64 * 1024, "big enough to damage its middle");
        using (var file = new FileStream(database, FileMode.Open, FileAccess.Write))
        {
            file.Seek(size / 2 / 4096 * 4096, SeekOrigin.Begin);
            file.Write(Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 + 7)).ToArray());
        }

        var before = StateFile.Hash(database);

        foreach (var args in new[] { new[] { "status" }, ["job", "run", "jobs/t1.yaml"], ["worker", "--drain"] })
        {
            var (exit, output, error) = await OrchProcess.RunAsync(repo, args);
            Assert.AreEqual(2, exit, $"{string.Join(' ', args)}: {output}{error}");
            StringAssert.Contains(error, "error ORCH2001");
            StringAssert.Contains(error, "is damaged");
            StringAssert.Contains(error, ".recover");
            Assert.IsFalse(error.Contains("   at ", StringComparison.Ordinal), error);
        }

        Assert.AreEqual(before, StateFile.Hash(database), "a damaged database is never written");
    }

    [TestMethod]
    public async Task Commands_OnATruncatedDatabase_RefuseWithoutWriting()
    {
        using var repo = new TempDirectory();
        var database = await DatabaseWithJobsAsync(repo);
        using (var file = new FileStream(database, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length / 2);
        }

        var before = StateFile.Hash(database);
        var (exit, output, error) = await OrchProcess.RunAsync(repo, "job", "run", "jobs/t1.yaml");

        Assert.AreEqual(2, exit, output + error);
        StringAssert.Contains(error, "error ORCH2001");
        Assert.AreEqual(before, StateFile.Hash(database));
    }

    [TestMethod]
    public async Task Commands_OnANewerDatabase_AskForAnUpgradeWithoutWriting()
    {
        using var repo = new TempDirectory();
        var database = await DatabaseWithJobsAsync(repo, jobs: 1);
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 999;";
            command.ExecuteNonQuery();
        }

        var before = StateFile.Hash(database);
        var (exit, _, error) = await OrchProcess.RunAsync(repo, "status");

        Assert.AreEqual(2, exit, error);
        StringAssert.Contains(error, "newer than this Orch understands");
        Assert.AreEqual(before, StateFile.Hash(database));
    }

    [TestMethod]
    public async Task ReadOnlyDatabase_ReportsStillWorkAndWritesAreRefusedClearly()
    {
        Namespace.RequireMounts();
        using var repo = new TempDirectory();
        await DatabaseWithJobsAsync(repo, jobs: 2);
        var orch = Namespace.Orch;
        var (exit, output) = Namespace.Run($"""
            export ORCH_DB="{repo.Combine(".orch", "state.db")}"
            mount --bind .orch .orch && mount -o remount,bind,ro .orch || exit 90
            {orch} status; echo "status=$?"
            {orch} job list --format json; echo "list=$?"
            {orch} job run jobs/t1.yaml; echo "run=$?"
            """, repo.Path);

        Assert.AreEqual(0, exit, output);
        StringAssert.Contains(output, "status=0");
        StringAssert.Contains(output, "list=0");
        StringAssert.Contains(output, "\"name\":\"t1\"");
        StringAssert.Contains(output, "run=2");
        StringAssert.Contains(output, "is read-only here");
        Assert.IsFalse(output.Contains("internal error", StringComparison.Ordinal), output);
    }

    [TestMethod]
    public void FullDisk_TheJobThatFilledItIsRecordedAndTheQueueGoesOnOnceThereIsRoom()
    {
        Namespace.RequireMounts();
        using var repo = new TempDirectory();
        repo.Write("jobs/a-fill.yaml", "id: fill\ncommand: \"dd if=/dev/zero of=.orch/fill bs=1M 2>/dev/null; yes 'output after the disk is full' | head -c 5000000; exit 0\"\n");
        repo.Write("jobs/b-next.yaml", "id: next\ncommand: \"echo next\"\n");
        repo.Write("jobs/c-last.yaml", "id: last\ncommand: \"echo last\"\n");
        var orch = Namespace.Orch;
        var (exit, output) = Namespace.Run($"""
            export ORCH_DB="{repo.Combine(".orch", "state.db")}"
            mount -t tmpfs -o size=24m tmpfs .orch || exit 90
            {orch} job submit jobs -v q || exit 91
            timeout 120 {orch} worker --drain; echo "first=$?"
            rm -f .orch/fill
            timeout 120 {orch} worker --drain; echo "second=$?"
            {orch} job list --format json > jobs.json
            """, repo.Path);

        Assert.AreEqual(0, exit, output);
        Assert.IsFalse(output.Contains("first=124", StringComparison.Ordinal), "the worker must not hang on a full disk:\n" + output);
        StringAssert.Contains(output, "second=0");
        var jobs = File.ReadAllText(repo.Combine("jobs.json"));
        Assert.IsFalse(jobs.Contains("\"status\":\"running\"", StringComparison.Ordinal), jobs);
        Assert.IsFalse(jobs.Contains("\"status\":\"queued\"", StringComparison.Ordinal), jobs);
        StringAssert.Contains(jobs, "\"name\":\"next\",\"tool\":\"process\",\"status\":\"succeeded\"");
        StringAssert.Contains(jobs, "\"name\":\"last\",\"tool\":\"process\",\"status\":\"succeeded\"");
    }
}
