using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Orch.Adapters.Registry;
using Orch.Core.Events;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Queue;
using Orch.Core.Storage.Sqlite;
using Orch.Testing;

namespace Orch.Core.Tests.Execution;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class JobExecutorProcessTests
{
    private static JobSpec Shell(TempDirectory repo, string script, Func<JobSpec, JobSpec>? change = null)
    {
        var spec = new JobSpec
        {
            Name = "test",
            Tool = "process",
            Command = [script],
            UseShell = true,
            RepositoryRoot = repo.Path,
            WorkingDirectory = repo.Path,
            Timeout = TimeSpan.FromSeconds(60),
        };
        return change is null ? spec : change(spec);
    }

    private static async Task<(JobOutcome Outcome, SqliteStateStore Store)> RunAsync(TempDirectory repo, JobSpec spec, TimeProvider? time = null,
        ToolPipelines? pipelines = null, SqliteStateStore? store = null)
    {
        time ??= TimeProvider.System;
        store ??= await SqliteStateStore.OpenAsync(repo.Combine(".orch", "state.db"), time, CancellationToken.None);
        pipelines ??= new ToolPipelines(ToolSettings.Empty, time, _ => default);
        var executor = new JobExecutor(store, AdapterRegistry.CreateDefault(), pipelines, time, new EventBus(store, [], time));
        var job = await store.StartJobAsync(null, JobSecrets.Redacted(spec), OwnerIdentity.Direct(), CancellationToken.None);
        return (await executor.ExecuteAsync(job, spec, CancellationToken.None), store);
    }

    [TestMethod]
    public async Task Execute_ToolSilentOnEveryRetry_IsStalledOnEachAttemptAndSaysItRepeated()
    {
        using var repo = new TempDirectory();
        // Output keeps a tool alive; silence past the stall time kills it, and a retry does not make it speak.
        var spec = Shell(repo, "echo working; sleep 0.5; echo still working; sleep 600", s => s with
        {
            StallTimeout = TimeSpan.FromSeconds(1.5),
            Retry = new RetrySettings { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(10), UseJitter = false },
        });
        var clock = Stopwatch.StartNew();

        var (outcome, store) = await RunAsync(repo, spec);
        await using var _ = store;

        Assert.AreEqual(JobStatus.Stalled, outcome.Status, outcome.Error);
        Assert.IsLessThan(20, clock.Elapsed.TotalSeconds, $"two stalled attempts took {clock.Elapsed}");
        CollectionAssert.AreEqual(new[] { JobStatus.Stalled, JobStatus.Stalled }, outcome.Attempts.Select(a => a.Status).ToArray());
        StringAssert.Contains(outcome.Error, "stalled on each of its 2 attempts");
        StringAssert.Contains(File.ReadAllText(outcome.LogFile), "without output (stalled)");
    }

    [TestMethod]
    public async Task Execute_CheckThatExitsNonZero_IsRecordedAsFailedThoughItRan()
    {
        using var repo = new TempDirectory();
        // A check is judged by its findings (any exit code means it ran), yet failing tests are a failed job, not a succeeded one.
        var spec = Shell(repo, "echo '1 test failed'; exit 1", s => s with { SuccessExitCodes = [] });

        var (outcome, store) = await RunAsync(repo, spec);
        await using var _ = store;

        Assert.AreEqual((JobStatus.Failed, 1), (outcome.Status, outcome.ExitCode));
        var stored = await store.GetJobAsync(outcome.JobId, CancellationToken.None);
        Assert.AreEqual((JobStatus.Failed, 1), (stored!.Status, stored.ExitCode));
    }

    [TestMethod]
    public async Task Execute_SleepPastTimeout_KillsTheProcessAndItsChildren()
    {
        using var repo = new TempDirectory();
        var spec = Shell(repo, "sleep 600 & echo $! > child.pid; echo $$ > shell.pid; sleep 600", s => s with { Timeout = TimeSpan.FromSeconds(2) });
        var clock = Stopwatch.StartNew();

        var (outcome, store) = await RunAsync(repo, spec);
        await using var _ = store;

        Assert.AreEqual(JobStatus.TimedOut, outcome.Status);
        Assert.IsLessThan(30, clock.Elapsed.TotalSeconds, $"the job took {clock.Elapsed} instead of being killed at 2 s");
        StringAssert.Contains(File.ReadAllText(outcome.LogFile), "# killed after 2 s (timeout)", "the log says why the job was killed");
        StringAssert.Contains(outcome.Error, "timed out after 2 s");
        var child = int.Parse(File.ReadAllText(repo.Combine("child.pid")).Trim(), CultureInfo.InvariantCulture);
        var shell = int.Parse(File.ReadAllText(repo.Combine("shell.pid")).Trim(), CultureInfo.InvariantCulture);
        Assert.IsTrue(ProcessState.GoneWithin(shell), "the job's shell survived the timeout");
        Assert.IsTrue(ProcessState.GoneWithin(child), "the job's background child survived the timeout");
        Assert.IsNotNull(outcome.ErrorReport);
        StringAssert.Contains(File.ReadAllText(outcome.ErrorReport), "\"status\": \"timed_out\"");
    }

    [TestMethod]
    public async Task Execute_FailingJob_RetriesExactlyMaxRetriesWithGrowingDelays()
    {
        using var repo = new TempDirectory();
        var spec = Shell(repo, "date +%s%N >> attempts.txt; exit 3", s => s with
        {
            Retry = new RetrySettings { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(200), UseJitter = false },
        });

        var (outcome, store) = await RunAsync(repo, spec);
        await using var _ = store;

        Assert.AreEqual(JobStatus.Failed, outcome.Status);
        Assert.AreEqual(3, outcome.ExitCode);
        var starts = File.ReadAllLines(repo.Combine("attempts.txt")).Select(l => long.Parse(l, CultureInfo.InvariantCulture) / 1_000_000.0).ToArray();
        Assert.HasCount(4, starts, "one attempt plus exactly three retries");
        var gaps = starts.Zip(starts.Skip(1), (a, b) => b - a).ToArray();
        // Each gap is the backoff plus process start-up, measured from inside the processes, so allow a little timer slack.
        // Lower bounds only: a pause of the test process (another test's full GC) can stretch any gap, never shorten it.
        Assert.IsTrue(gaps[0] >= 190 && gaps[1] >= 380 && gaps[2] >= 760, $"gaps between attempts (ms): {string.Join(", ", gaps)}");
        var stored = await store.ListAttemptsAsync(outcome.JobId, CancellationToken.None);
        CollectionAssert.AreEqual(new[] { 0.0, 200.0, 400.0, 800.0 }, stored.Select(a => a.DelayBefore.TotalMilliseconds).ToArray());
        Assert.AreEqual(4, (await store.GetJobAsync(outcome.JobId, CancellationToken.None))!.Attempts);
    }

    [TestMethod]
    public async Task Execute_ToolFailingRepeatedly_OpensItsBreakerThenClosesAfterAProbe()
    {
        using var repo = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new ToolSettings(new Dictionary<string, ToolOptions>
        {
            ["flaky"] = new() { Breaker = new BreakerOptions { FailureThreshold = 2, BreakDuration = TimeSpan.FromSeconds(30) } },
        });
        await using var store = await SqliteStateStore.OpenAsync(repo.Combine(".orch", "state.db"), time, CancellationToken.None);
        var pipelines = new ToolPipelines(settings, time, e => new ValueTask(store.AppendEventsAsync([EventEnvelope.Of(e with { Timestamp = time.GetUtcNow() })], CancellationToken.None)));
        JobSpec Job(string script) => Shell(repo, script, s => s with { Tool = "flaky" });

        var first = (await RunAsync(repo, Job("exit 1"), time, pipelines, store)).Outcome;
        var second = (await RunAsync(repo, Job("exit 1"), time, pipelines, store)).Outcome;
        var rejected = (await RunAsync(repo, Job("touch ran.txt"), time, pipelines, store)).Outcome;
        time.Advance(TimeSpan.FromSeconds(31));
        var probe = (await RunAsync(repo, Job("true"), time, pipelines, store)).Outcome;
        var closed = (await RunAsync(repo, Job("true"), time, pipelines, store)).Outcome;

        Assert.AreEqual(JobStatus.Failed, first.Status);
        Assert.AreEqual(JobStatus.Failed, second.Status);
        Assert.AreEqual(JobStatus.CircuitOpen, rejected.Status);
        StringAssert.Contains(rejected.Error, "circuit open for tool 'flaky'");
        Assert.IsFalse(File.Exists(repo.Combine("ran.txt")), "a job behind an open breaker must not start");
        Assert.AreEqual(JobStatus.Succeeded, probe.Status);
        Assert.AreEqual(JobStatus.Succeeded, closed.Status);
        var kinds = (await store.ReadEventsAsync(null, 0, 1000, CancellationToken.None)).Select(e => e.Kind).Where(k => k.StartsWith("breaker.", StringComparison.Ordinal));
        CollectionAssert.AreEqual(new[] { "breaker.opened", "breaker.half_opened", "breaker.closed" }, kinds.ToArray());
    }

    [TestMethod]
    public async Task Execute_JobPrintingSecrets_WritesNoSecretToAnyFile()
    {
        using var repo = new TempDirectory();
        const string jobSecret = "job-secret-value-4f9a1c";
        const string envSecret = "process-env-secret-77b2e0";
        Environment.SetEnvironmentVariable("ORCH_TEST_SERVICE_TOKEN", envSecret);
        try
        {
            var spec = Shell(repo, "echo \"token=$MY_SERVICE_TOKEN\"; echo \"env=$ORCH_TEST_SERVICE_TOKEN\" >&2; echo \"src/a.cs(3,1): error CS1002: $MY_SERVICE_TOKEN expected\"; exit 1",
                s => s with
                {
                    Environment = new Dictionary<string, string> { ["MY_SERVICE_TOKEN"] = jobSecret },
                    LogFile = repo.Combine("logs", "job.log"),
                    ErrorReport = repo.Combine("logs", "job.error.json"),
                });

            var (outcome, store) = await RunAsync(repo, spec);
            await store.DisposeAsync();

            Assert.AreEqual(JobStatus.Failed, outcome.Status);
            StringAssert.Contains(File.ReadAllText(repo.Combine("logs", "job.log")), "token=***", "the job's output must reach the log, redacted");
            var written = Directory.EnumerateFiles(repo.Path, "*", SearchOption.AllDirectories).ToArray();
            Assert.IsTrue(written.Any(f => f.EndsWith("state.db", StringComparison.Ordinal)));
            foreach (var file in written)
            {
                var bytes = File.ReadAllBytes(file);
                foreach (var secret in new[] { jobSecret, envSecret })
                {
                    Assert.IsFalse(Contains(bytes, Encoding.UTF8.GetBytes(secret)), $"{file} holds the secret {secret}");
                }
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("ORCH_TEST_SERVICE_TOKEN", null);
        }
    }

    [TestMethod]
    public async Task Execute_MissingExecutable_FailsWithAnInstallHint()
    {
        using var repo = new TempDirectory();
        var spec = Shell(repo, "", s => s with { Command = ["orch-no-such-tool-xyz", "--help"], UseShell = false });

        var (outcome, store) = await RunAsync(repo, spec);
        await using var _ = store;

        Assert.AreEqual(JobStatus.Failed, outcome.Status);
        Assert.AreEqual("executable 'orch-no-such-tool-xyz' was not found on PATH; install it or give its full path", outcome.Error);
    }

    [TestMethod]
    public async Task Execute_CompilerStyleOutput_RecordsFindings()
    {
        using var repo = new TempDirectory();
        var spec = Shell(repo, "echo 'src/Calc.cs(12,9): warning CS0168: The variable e is declared but never used [src/Calc.csproj]'; exit 1");

        var (outcome, store) = await RunAsync(repo, spec);
        await using var _ = store;

        var finding = outcome.Findings.Single();
        Assert.AreEqual("src/Calc.cs", finding.File);
        Assert.AreEqual(12, finding.Line);
        Assert.AreEqual("CS0168", finding.Code);
        Assert.AreEqual("The variable e is declared but never used", finding.Message);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
