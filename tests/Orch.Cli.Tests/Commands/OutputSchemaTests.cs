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
    public void CostRecord_AsSerialized_MatchesItsSchema()
    {
        var record = new CostRecord("run-1", "ws", "STATIC", "job-1", new CostEntry(2, "codex", "gpt-5", 24763, 24448, 122, 0.00467m, true), DateTimeOffset.UnixEpoch);

        AssertValid(SchemaCatalog.CostRecord, JsonSerializer.SerializeToElement(record, OrchJson.Options));
    }
}
