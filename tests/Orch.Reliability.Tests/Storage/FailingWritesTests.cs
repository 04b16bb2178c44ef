using Orch.Core.Planning;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Core.Workflow;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.Storage;

/// <summary>A store that fails a share of its writes: the run stops cleanly, and a resume on a healthy store finishes it exactly.</summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class FailingWritesTests
{
    [TestMethod]
    [DataRow(7)]
    [DataRow(11)]
    [DataRow(17)]
    [DataRow(29)]
    public async Task Run_WhenEveryNthWriteFails_StopsCleanlyAndResumeFinishesExactly(int failEvery)
    {
        using var scenario = new Scenario();
        var plan = PlanLoader.Load(scenario.Repository.Combine("plan.yaml"));
        string? runId = null;
        int refused;
        await using (var store = await SqliteStateStore.OpenAsync(scenario.Database, TimeProvider.System, CancellationToken.None))
        {
            var flaky = FlakyStore.Wrap(store, failEvery, out var control);
            try
            {
                var summary = await PlanRunners.Create(flaky).RunAsync(plan, scenario.Repository.Path, new RunOptions { Parallel = 2 }, id => runId = id, CancellationToken.None);
                runId = summary.RunId;
            }
            catch (StateDatabaseException ex)
            {
                StringAssert.Contains(ex.Message, "injected");
            }

            refused = control.Refused;
        }

        Assert.IsTrue(refused > 0, "some writes were refused");
        await using (var healthy = await SqliteStateStore.OpenAsync(scenario.Database, TimeProvider.System, CancellationToken.None))
        {
            runId ??= scenario.LatestRun();
            var summary = runId is null
                ? await PlanRunners.Create(healthy).RunAsync(plan, scenario.Repository.Path, new RunOptions { Parallel = 2 }, null, CancellationToken.None)
                : await PlanRunners.ResumeAsync(healthy, runId);
            Assert.IsTrue(summary.Succeeded, string.Join("; ", summary.Workstreams.Select(w => $"{w.Id}: {w.Status} {w.Detail}")));
        }

        var context = $"every {failEvery}th write failed ({refused} refused)";
        scenario.AssertConsistent(context);
        scenario.AssertAllMergedOnce(context);
    }
}
