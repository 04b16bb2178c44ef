using Orch.Core.Planning;
using Orch.Core.Settings;
using Orch.Core.Storage.Sqlite;
using Orch.Core.Workflow;
using Orch.Testing;

namespace Orch.Core.Tests.Support;

/// <summary>Runs a plan through the real engine in a test repository, with its SQLite file under <c>.orch/</c>.</summary>
internal static class PlanRuns
{
    public static async Task<(RunSummary Summary, SqliteStateStore Store)> RunAsync(TestRepository repo, string planYaml, RunOptions? options = null,
        ProjectSettings? settings = null)
    {
        var planFile = repo.Write(".orch/plan.yaml", planYaml);
        var plan = PlanLoader.Load(planFile);
        Assert.IsFalse(plan.HasErrors, string.Join('\n', plan.Diagnostics));
        var store = await SqliteStateStore.OpenAsync(repo.Combine(".orch", "state.db"), TimeProvider.System, CancellationToken.None);
        var summary = await Runner(store, settings).RunAsync(plan, repo.Path, options ?? new RunOptions(), null, CancellationToken.None);
        return (summary, store);
    }

    /// <summary>Resumes a run the way <c>dotnet orch resume</c> does: from the options it stored.</summary>
    public static Task<RunSummary> ResumeAsync(SqliteStateStore store, string runId, ProjectSettings? settings = null) =>
        PlanRunners.ResumeAsync(store, runId, settings);

    public static PlanRunner Runner(SqliteStateStore store, ProjectSettings? settings) => PlanRunners.Create(store, settings);

    public static WorkstreamOutcome Outcome(RunSummary summary, string id) => summary.Workstreams.Single(w => w.Id == id);

    /// <summary>Every workstream's status, stop reason and detail, for assertion messages.</summary>
    public static string Explain(RunSummary summary) => string.Join("; ", summary.Workstreams.Select(w => $"{w.Id}: {w.Status} {w.StopReason} {w.Detail}"));
}
