using Orch.Core.Estimates;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Settings;
using Orch.Core.Storage;
using Orch.Testing;

namespace Orch.Core.Tests.Estimates;

[TestClass]
public sealed class PlanEstimateTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static JobRecord Job(string run, string name, string tool, double seconds, params string[] command) => new()
    {
        Id = $"job-{Guid.NewGuid():N}",
        RunId = run,
        Spec = new JobSpec { Name = name, Tool = tool, Command = command.Length == 0 ? [] : command, RepositoryRoot = "/repo", WorkingDirectory = "/repo" },
        Status = JobStatus.Succeeded,
        QueuedAt = Start,
        StartedAt = Start,
        FinishedAt = Start.AddSeconds(seconds),
    };

    private static CostRecord Cost(JobRecord job, decimal usd) => new(job.RunId, null, null, job.Id, new CostEntry(1, job.Spec.Tool, "m", 100, 0, 10, usd, false), Start);

    private static Plan Load(TempDirectory dir, string yaml)
    {
        dir.Write("plan.yaml", yaml);
        var plan = PlanLoader.Load(dir.Combine("plan.yaml"));
        Assert.IsFalse(plan.HasErrors, string.Join("\n", plan.Diagnostics));
        return plan;
    }

    private const string ThreeWorkstreams = """
        workstreams:
          - {id: a, files_scope: [a/], edit: {tool: claude, prompt: p}, static: [[lint, .]], runtime: []}
          - {id: b, files_scope: [b/], depends_on: [a], edit: {tool: claude, prompt: p}, static: [[lint, .]], runtime: []}
          - {id: c, files_scope: [c/], edit: {tool: claude, prompt: p}, static: [[lint, .]], runtime: []}
        """;

    [TestMethod]
    public void Estimate_OfACheckThatRanAsABuildAndATestJob_FindsItByTheCommandAsWritten_AndSumsEachRound()
    {
        using var dir = new TempDirectory();
        // `dotnet test` in the plan runs as a build job and a job per test project, none of them with that command line.
        JobRecord Part(string run, string name, double seconds, params string[] ran)
        {
            var job = Job(run, name, "dotnet", seconds, ran);
            return job with { Spec = job.Spec with { CheckCommand = "dotnet test" } };
        }

        var jobs = new List<JobRecord>
        {
            Job("r1", "x:EDIT-1", "claude", 10), Job("r2", "x:EDIT-1", "claude", 10),
            Part("r1", "x:runtime-1-1-build", 3, "dotnet", "build", "--nologo"), Part("r1", "x:runtime-1-1-test-1", 5, "dotnet", "test", "--project", "t.csproj"),
            Part("r2", "x:runtime-1-1-build", 3, "dotnet", "build", "--nologo"), Part("r2", "x:runtime-1-1-test-1", 7, "dotnet", "test", "--project", "t.csproj"),
        };
        var plan = Load(dir, "workstreams:\n  - {id: a, files_scope: [a/], edit: {tool: claude, prompt: p}, static: [], runtime: [[dotnet, test]]}\n");

        var estimate = PlanEstimate.Of(plan, ProjectSettings.Empty, dir.Path, JobHistory.From(jobs, []), parallel: 1);

        Assert.AreEqual(TimeSpan.FromSeconds(9), estimate.Workstreams.Single().Runtime, "the median of the rounds' sums, 8 s and 10 s");
    }

    [TestMethod]
    public void Estimate_FromRecordedRuns_TakesMediansAndTheFixRoundsOfThePastAndSchedulesTheDag()
    {
        using var dir = new TempDirectory();
        // Two earlier runs: EDITs of 10, 12 and 100 s (median 12), checks of 2 s, one FIX of 6 s in one of two loops.
        var edits = new[] { Job("r1", "x:EDIT-1", "claude", 10), Job("r1", "y:EDIT-1", "claude", 100), Job("r2", "x:EDIT-1", "claude", 12) };
        var fix = Job("r1", "x:STATIC-FIX-1", "claude", 6);
        var jobs = edits.Append(fix).Concat(
        [
            Job("r1", "x:static-1-1", "lint", 2, "lint", "."), Job("r1", "x:static-2-1", "lint", 2, "lint", "."),
            Job("r2", "x:static-1-1", "lint", 2, "lint", "."),
        ]).ToList();
        var costs = new[] { Cost(edits[0], 0.10m), Cost(edits[1], 0.30m), Cost(edits[2], 0.20m), Cost(fix, 0.04m) };

        var estimate = PlanEstimate.Of(Load(dir, ThreeWorkstreams), ProjectSettings.Empty, dir.Path, JobHistory.From(jobs, costs), parallel: 2);

        var a = estimate.Workstreams.Single(w => w.Id == "a");
        Assert.AreEqual(TimeSpan.FromSeconds(12), a.Edit, "the median, so the 100 s outlier does not move it");
        Assert.AreEqual(TimeSpan.FromSeconds(2), a.Static);
        Assert.AreEqual(0.5, a.StaticFixRounds, "one FIX over two STATIC loops");
        Assert.AreEqual(TimeSpan.FromSeconds(12 + 2 + (6 + 2) * 0.5), a.Duration);
        Assert.AreEqual(0.20m + 0.04m * 0.5m, a.CostUsd);
        Assert.AreEqual(TimeSpan.FromSeconds(36), estimate.Duration, "a and c at once, then b after a: two workstreams end to end");
        Assert.AreEqual(3 * 0.22m, estimate.CostUsd);
        Assert.AreEqual(7, estimate.Samples);
    }

    [TestMethod]
    public void Estimate_WithNoHistoryOfTheToolOrTheCheck_SaysUnknownRatherThanGuess()
    {
        using var dir = new TempDirectory();
        var other = new[] { Job("r1", "x:EDIT-1", "codex", 30), Job("r1", "x:static-1-1", "ruff", 1, "ruff", "check") };

        var estimate = PlanEstimate.Of(Load(dir, ThreeWorkstreams), ProjectSettings.Empty, dir.Path, JobHistory.From(other, []), parallel: 4);

        Assert.IsNull(estimate.Duration);
        Assert.IsNull(estimate.CostUsd, "an AI tool with no spend on record is unknown, not free");
        Assert.IsTrue(estimate.Workstreams.All(w => w.Edit is null && w.Static is null && w.Duration is null));
    }
}
