using System.Diagnostics;
using System.Globalization;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.Concurrency;

/// <summary>Four processes share one database: two submit, two work, and the test reads it all along. No job is lost or run twice, and nobody sees "locked".</summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class SharedDatabaseTests
{
    private const int JobsPerSubmitter = 150;

    [TestMethod]
    public async Task SubmittersAndWorkers_OnOneDatabase_RunEveryJobExactlyOnce()
    {
        using var repo = new TempDirectory();
        foreach (var submitter in new[] { "s1", "s2" })
        {
            for (var i = 0; i < JobsPerSubmitter; i++)
            {
                repo.Write($"{submitter}/{submitter}-{i:000}.yaml", $"id: {submitter}-{i:000}\ncommand: \"echo {submitter}-{i:000} >> ran.txt\"\n");
            }
        }

        var workers = new[] { OrchProcess.Start(repo, "worker", "--parallel", "2"), OrchProcess.Start(repo, "worker", "--parallel", "2") };
        var workerOutput = workers.Select(w => Task.WhenAll(w.StandardOutput.ReadToEndAsync(), w.StandardError.ReadToEndAsync())).ToArray();
        var submits = new[] { "s1", "s2" }.Select(s => OrchProcess.RunAsync(repo, "job", "submit", s)).ToArray();
        var database = repo.Combine(".orch", "state.db");
        var reads = 0;
        var clock = Stopwatch.StartNew();
        var done = 0;
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var status = await OrchProcess.RunAsync(repo, "job", "list", "--status", "succeeded", "--limit", "1000", "--format", "json");
            Assert.AreEqual(0, status.Exit, status.Err);
            reads++;
            done = status.Out.Split("\"status\":\"succeeded\"").Length - 1;
            if (done == 2 * JobsPerSubmitter && submits.All(s => s.IsCompleted))
            {
                break;
            }
        }

        foreach (var worker in workers)
        {
            worker.Kill(entireProcessTree: false);
            await worker.WaitForExitAsync();
            worker.Dispose();
        }

        var submitted = await Task.WhenAll(submits);
        var printed = string.Join('\n', submitted.Select(s => s.Out + s.Err).Concat((await Task.WhenAll(workerOutput)).SelectMany(o => o)));
        Assert.IsTrue(submitted.All(s => s.Exit == 0), printed);
        Assert.AreEqual(2 * JobsPerSubmitter, done, $"after {reads} reads: {printed}");
        Assert.IsFalse(printed.Contains("locked", StringComparison.OrdinalIgnoreCase), printed);
        var ran = File.ReadAllLines(repo.Combine("ran.txt"));
        Assert.AreEqual(2 * JobsPerSubmitter, ran.Length, "each job ran once");
        Assert.AreEqual(2 * JobsPerSubmitter, ran.Distinct().Count(), "no job ran twice");
        Assert.AreEqual((2 * JobsPerSubmitter).ToString(CultureInfo.InvariantCulture), StateFile.Scalar(database, "SELECT count(*) FROM jobs;"), "no job lost or doubled");
    }
}
