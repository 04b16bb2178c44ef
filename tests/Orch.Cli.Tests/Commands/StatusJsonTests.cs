using System.Text.Json;
using Orch.Cli.Rendering;
using Orch.Testing;
using Orch.Core.Jobs;
using Orch.Core.Schemas;
using Orch.Core.Serialization;
using Orch.Core.Storage;

namespace Orch.Cli.Tests.Commands;

[TestClass]
public sealed class StatusJsonTests
{
    [TestMethod]
    public void WriteOverview_WritesTheSameTextAsTheSerializerWithOrchsOptions_AndMatchesTheSchema()
    {
        JobCount[] counts = [new(JobStatus.Succeeded, 12), new(JobStatus.TimedOut, 1), new(JobStatus.Queued, 3)];
        var runs = new List<RunRecord>
        {
            new("run-20261126-111012-ad235cd8", "plan", "plans/ünïcode \"quoted\" <tag> & +.yaml", RunStatus.Failed, "budget",
                new DateTimeOffset(2026, 11, 26, 11, 10, 12, TimeSpan.Zero).AddTicks(9245480), new DateTimeOffset(2026, 11, 26, 13, 10, 13, TimeSpan.FromHours(2)))
            {
                CancelRequestedAt = new DateTimeOffset(2026, 11, 26, 11, 10, 13, 500, TimeSpan.Zero),
            },
            new("run-2", "job", null, RunStatus.Running, null, DateTimeOffset.UnixEpoch, null),
        };
        const string database = "répo with space/.orch/state.db";

        var written = new StringWriter();
        StatusJson.WriteOverview(written, database, counts, runs);

        var serialized = new StringWriter();
        JsonOutput.WriteLine(serialized, new
        {
            schema_version = JsonOutput.SchemaVersion,
            database,
            jobs = counts.ToDictionary(c => OrchJson.EnumText(c.Status), c => c.Count),
            runs = runs.Select(RunJson.Of),
        });
        Assert.AreEqual(serialized.ToString(), written.ToString());
        using var json = JsonDocument.Parse(written.ToString());
        SchemaAssert.Valid(SchemaCatalog.StatusOutput, json.RootElement);
    }

    [TestMethod]
    public void WriteOverview_OfAnEmptyDatabase_WritesEmptyJobsAndRuns()
    {
        var written = new StringWriter();

        StatusJson.WriteOverview(written, "state.db", [], []);

        Assert.AreEqual("{\"schema_version\":1,\"database\":\"state.db\",\"jobs\":{},\"runs\":[]}" + Environment.NewLine, written.ToString());
    }
}
