using System.Text.Json;
using Orch.Cli.Tests.Support;
using Orch.Testing;

namespace Orch.Cli.Tests.Commands;

[TestClass]
public sealed class JobCommandsTests
{
    private static string[] Args(TempDirectory repo, params string[] args) => [.. args, "--repo", repo.Path, "--db", repo.Combine(".orch", "state.db")];

    [TestMethod]
    public async Task JobRun_LegacyJobWithWindowsPaths_ExitsTwoWithPreciseMessagesAndNoStackTrace()
    {
        using var repo = new TempDirectory();
        var path = TestData.LegacyJob("git_job.json");

        var (exit, _, err) = await OrchRunner.InProcessAsync(Args(repo, "job", "run", path));

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, $"{path}:17:18: error ORCH1009: paths.repo_root is the Windows path");
        StringAssert.Contains(err, $"{path}:18:20: error ORCH1009: paths.working_dir is the Windows path");
        Assert.DoesNotContain("   at ", err, "no stack trace");
        Assert.IsFalse(File.Exists(repo.Combine(".orch", "state.db")), "an invalid job must not touch the database");
    }

    [TestMethod]
    [TestCategory(Categories.Process)]
    public async Task JobRun_FormatJson_EndsWithOneSummaryObject()
    {
        using var repo = new TempDirectory();
        var job = repo.Write("job.yaml", "id: hello\ncommand: [sh, -c, 'echo hi; exit 3']\nsuccess_exit_codes: [0]\n");

        var (exit, output, _) = await OrchRunner.InProcessAsync(Args(repo, "job", "run", job, "--format", "json"));

        Assert.AreEqual(1, exit, "a failed job exits 1");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var last = JsonDocument.Parse(lines[^1]);
        var summary = last.RootElement;
        Assert.AreEqual("summary", summary.GetProperty("type").GetString());
        StringAssert.StartsWith(summary.GetProperty("job_id").GetString(), "job-");
        Assert.AreEqual("failed", summary.GetProperty("status").GetString());
        Assert.AreEqual(3, summary.GetProperty("exit_code").GetInt32());
        Assert.AreEqual(1, summary.GetProperty("attempts").GetInt32());
        foreach (var line in lines[..^1])
        {
            using var evt = JsonDocument.Parse(line);
            Assert.AreEqual("event", evt.RootElement.GetProperty("type").GetString());
        }
    }

    [TestMethod]
    public async Task JobSubmit_FolderWithOneBrokenFile_QueuesNothingAndReportsEveryProblem()
    {
        using var repo = new TempDirectory();
        repo.Write("jobs/a.yaml", "id: a\ncommand: [true]\n");
        repo.Write("jobs/b.json", "{ \"id\": \"b\", \"command\": [\"true\"] ");
        repo.Write("jobs/c.yaml", "id: c\ncommand: [true]\ntimout_seconds: 5\n");

        var (exit, _, err) = await OrchRunner.InProcessAsync(Args(repo, "job", "submit", repo.Combine("jobs")));

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "b.json:1:");
        StringAssert.Contains(err, "error ORCH1002: not valid JSON");
        StringAssert.Contains(err, "c.yaml:3:1: error ORCH1004: unknown field 'timout_seconds'; did you mean 'timeout_seconds'?");
        Assert.IsFalse(File.Exists(repo.Combine(".orch", "state.db")), "nothing may be queued when any file is invalid");
    }

    [TestMethod]
    public async Task JobSubmit_LiteralSecret_IsRefusedWithTheFixToApply()
    {
        using var repo = new TempDirectory();
        var job = repo.Write("job.yaml", "id: a\ncommand: [true]\nenv:\n  OPENAI_API_KEY: sk-literal-1234567\n");

        var (exit, _, err) = await OrchRunner.InProcessAsync(Args(repo, "job", "submit", job));

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "error ORCH1011: env.OPENAI_API_KEY holds a literal secret");
        StringAssert.Contains(err, "OPENAI_API_KEY: ${OPENAI_API_KEY}");
        Assert.DoesNotContain("sk-literal-1234567", err);
    }

    [TestMethod]
    public async Task JobSubmitThenList_ShowsQueuedJobsAsJson()
    {
        using var repo = new TempDirectory();
        repo.Write("jobs/a.yaml", "id: a\ncommand: [true]\n");
        repo.Write("jobs/b.yaml", "id: b\ncommand: [true]\n");

        var (submitExit, _, submitErr) = await OrchRunner.InProcessAsync(Args(repo, "job", "submit", repo.Combine("jobs")));
        var (listExit, listed, _) = await OrchRunner.InProcessAsync(Args(repo, "job", "list", "--format", "json"));

        Assert.AreEqual(0, submitExit, submitErr);
        Assert.AreEqual(0, listExit);
        using var doc = JsonDocument.Parse(listed);
        var jobs = doc.RootElement.GetProperty("jobs").EnumerateArray().ToArray();
        CollectionAssert.AreEqual(new[] { "a", "b" }, jobs.Select(j => j.GetProperty("name").GetString()).ToArray());
        Assert.IsTrue(jobs.All(j => j.GetProperty("status").GetString() == "queued"));
    }

    [TestMethod]
    public async Task Status_UnknownId_ExitsTwoWithAHint()
    {
        using var repo = new TempDirectory();

        var (exit, _, err) = await OrchRunner.InProcessAsync(Args(repo, "status", "job-nope"));

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "error ORCH2002: no run or job 'job-nope'");
    }

    [TestMethod]
    public async Task AnyCommand_WithANewerDatabase_ExitsTwoWithoutTouchingIt()
    {
        using var repo = new TempDirectory();
        var db = repo.Combine(".orch", "state.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await connection.OpenAsync();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 42;";
            await cmd.ExecuteNonQueryAsync();
        }

        var (exit, _, err) = await OrchRunner.InProcessAsync(Args(repo, "status"));

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "schema version 42, newer than this Orch understands");
    }

    [TestMethod]
    public async Task UnknownOption_ExitsTwoWithUsageHint()
    {
        var (exit, _, err) = await OrchRunner.InProcessAsync("job", "list", "--bogus");

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "--help");
    }
}
