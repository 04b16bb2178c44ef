using System.Text.Json;
using Orch.Cli.Tests.Support;
using Orch.Core.Schemas;
using Orch.Core.Serialization;
using Orch.Core.Storage;
using Orch.Testing;

namespace Orch.Cli.Tests.Commands;

/// <summary>What Orch writes matches the schemas it publishes for it.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class OutputSchemaTests
{
    private static void AssertValid(string schema, JsonElement json) => SchemaAssert.Valid(schema, json);

    [TestMethod]
    public async Task EventsAndFindings_OfARealJob_MatchTheirSchemas()
    {
        using var repo = new TempDirectory();
        repo.Write("job.yaml", "id: lint\ncommand: [sh, -c, \"echo 'src/a.cs(3,7): warning CS0168: unused'; exit 1\"]\n");

        var run = await OrchRunner.InProcessAsync("job", "run", repo.Combine("job.yaml"), "--repo", repo.Path, "--db", repo.Combine(".orch", "state.db"), "--format", "json");
        var events = await OrchRunner.InProcessAsync("events", "--repo", repo.Path, "--db", repo.Combine(".orch", "state.db"), "--format", "json");

        Assert.AreEqual(1, run.Exit);
        var lines = events.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.IsGreaterThan(3, lines.Length);
        foreach (var line in lines.Concat(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[..^1]))
        {
            AssertValid(SchemaCatalog.Event, JsonDocument.Parse(line).RootElement);
        }

        var summary = JsonDocument.Parse(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        var finding = summary.GetProperty("findings").EnumerateArray().Single();
        AssertValid(SchemaCatalog.Finding, finding);
        var report = JsonDocument.Parse(File.ReadAllText(summary.GetProperty("error_report").GetString()!)).RootElement;
        foreach (var f in report.GetProperty("findings").EnumerateArray())
        {
            AssertValid(SchemaCatalog.Finding, f);
        }
    }

    [TestMethod]
    public async Task EventsFile_OfARealJob_HoldsEveryStoredEventAsSchemaValidLines()
    {
        using var repo = new TempDirectory();
        repo.Write("job.yaml", "id: ok\ncommand: [sh, -c, \"echo hi\"]\n");
        var export = repo.Combine("events.jsonl");

        var run = await OrchRunner.InProcessAsync("job", "run", repo.Combine("job.yaml"), "--repo", repo.Path, "--db", repo.Combine(".orch", "state.db"),
            "--events-file", export);
        var stored = await OrchRunner.InProcessAsync("events", "--repo", repo.Path, "--db", repo.Combine(".orch", "state.db"), "--format", "json");

        Assert.AreEqual(0, run.Exit, run.Err);
        var lines = File.ReadAllLines(export);
        foreach (var line in lines)
        {
            AssertValid(SchemaCatalog.Event, JsonDocument.Parse(line).RootElement);
        }

        var exported = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("kind").GetString()).ToList();
        var kept = stored.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("kind").GetString()).ToList();
        CollectionAssert.IsSubsetOf(new[] { "run.started", "job.started", "attempt.started", "attempt.finished", "job.finished", "run.finished" }, exported,
            "the store's own events and the job's events both reach the export");
        CollectionAssert.AreEquivalent(kept, exported, "the export holds what the event log holds");
    }

    [TestMethod]
    [DataRow("sqlite")]
    [DataRow("postgres")]
    public async Task EveryReportingCommand_OnARunWithAFixLoop_PrintsJsonItsSchemaAccepts(string backend)
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        repo.Write("plan.yaml", SamplePlans.FixLoop(maxAttempts: 2));
        await using var server = backend == "postgres" ? await TestPostgres.SchemaAsync() : null;
        var db = server?.Address ?? repo.Combine(".orch", "state.db");
        var run = await OrchRunner.RunAsync(repo.Path, db, "run", "plan.yaml", "--format", "json");
        var runId = JsonDocument.Parse(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.GetProperty("run_id").GetString()!;
        async Task<string> Json(params string[] args)
        {
            var (exit, output, error) = await OrchRunner.InProcessAsync([.. args, "--repo", repo.Path, "--db", db, "--format", "json"]);
            Assert.AreEqual(0, exit, $"{string.Join(' ', args)}: {error}");
            return output;
        }

        var jobs = await Json("job", "list");
        var jobId = JsonDocument.Parse(jobs).RootElement.GetProperty("jobs")[0].GetProperty("job_id").GetString()!;
        var shapes = new (string Schema, string Output)[]
        {
            (SchemaCatalog.StatusOutput, await Json("status")),
            (SchemaCatalog.StatusOutput, await Json("status", runId)),
            (SchemaCatalog.StatusOutput, await Json("status", jobId)),
            (SchemaCatalog.JobsOutput, jobs),
            (SchemaCatalog.PlanOutput, await Json("plan", repo.Combine("plan.yaml"))),
            (SchemaCatalog.PlanOutput, await Json("plan", repo.Combine("plan.yaml"), "--estimate")),
            (SchemaCatalog.ToolsOutput, await Json("tools")),
            (SchemaCatalog.ProfilesOutput, await Json("profiles", "list")),
            (SchemaCatalog.CostsOutput, await Json("costs", runId)),
            (SchemaCatalog.FindingsOutput, await Json("findings", runId)),
        };
        var logs = (await Json("logs", $"{runId}/notes")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        repo.Write("broken.yaml", "id: broken\nfiles_scope: [src/]\nedit: {tool: script, command: [echo]}\nspeed: fast\n");
        var broken = await OrchRunner.InProcessAsync("validate", repo.Combine("broken.yaml"), "--repo", repo.Path, "--format", "json");

        foreach (var (schema, output) in shapes)
        {
            SchemaAssert.Valid(schema, output);
        }

        Assert.AreEqual(2, broken.Exit, broken.Err);
        SchemaAssert.Valid(SchemaCatalog.ValidateOutput, broken.Out);
        StringAssert.Contains(broken.Out, "\"line\":4", "the unknown field is named with its line");
        Assert.IsGreaterThan(5, logs.Length);
        foreach (var line in logs)
        {
            SchemaAssert.Valid(SchemaCatalog.LogsOutput, line);
        }

        // Each shape is held to its own: a run's status is not a job's.
        var job = SchemaCatalog.Get(SchemaCatalog.JobsOutput).Evaluate(JsonDocument.Parse(shapes[1].Output).RootElement);
        Assert.IsFalse(job.IsValid, "the job list schema must refuse a run's status");
    }

    [TestMethod]
    public void CostRecord_AsSerialized_MatchesItsSchema()
    {
        var record = new CostRecord("run-1", "ws", "STATIC", "job-1", new CostEntry(2, "codex", "gpt-5", 24763, 24448, 122, 0.00467m, true), DateTimeOffset.UnixEpoch);

        AssertValid(SchemaCatalog.CostRecord, JsonSerializer.SerializeToElement(record, OrchJson.Options));
    }
}
