using System.Text.Json;
using Orch.Core.Application;
using Orch.Core.Serialization;
using Orch.Core.Storage;

namespace Orch.Dashboard.Api;

/// <summary>The JSON the pages read: snake_case, enums as words, versioned like the CLI's <c>--format json</c>.</summary>
internal static class DashboardJson
{
    public const int SchemaVersion = 1;

    public static JsonSerializerOptions Options => OrchJson.Options;

    public static object Runs(StatusReport report, long lastEventId) => new
    {
        schema_version = SchemaVersion,
        last_event_id = lastEventId,
        jobs = report.JobCounts.ToDictionary(c => OrchJson.EnumText(c.Status), c => c.Count),
        runs = report.Runs.Select(RunJson.Of),
    };

    public static object Overview(RunOverview overview) => new
    {
        schema_version = SchemaVersion,
        run = RunJson.Of(overview.Run),
        budget_usd = overview.BudgetUsd,
        eta_s = overview.Left?.TotalSeconds,
        last_event_id = overview.LastEventId,
        workstreams = overview.Workstreams.Select(w => new
        {
            id = w.Id,
            title = w.Title,
            depends_on = w.DependsOn,
            status = OrchJson.EnumText(w.Status),
            stop_reason = w.StopReason is { } reason ? OrchJson.EnumText(reason) : null,
            attempts = w.Attempts,
            detail = w.Detail,
            started_at = w.StartedAt,
            finished_at = w.FinishedAt,
            spent_usd = w.SpentUsd,
            eta_s = w.Left?.TotalSeconds,
            phases = w.Phases.Select(RunJson.Phase),
            steps = w.Steps.Select(s => new
            {
                job_id = s.JobId,
                step = s.Step,
                phase = s.Phase,
                status = OrchJson.EnumText(s.Status),
                started_at = s.StartedAt,
                finished_at = s.FinishedAt,
            }),
        }),
        findings = overview.Findings.Select(RunJson.Check),
        costs = CostJson.Report(overview.Costs, overview.Run.Id, SchemaVersion),
    };

    public static object Event(EventRecord e) => new
    {
        id = e.Id,
        kind = e.Kind,
        ts = e.Timestamp,
        run_id = e.RunId,
        job_id = e.JobId,
        data = e.Data is null ? (JsonElement?)null : JsonDocument.Parse(e.Data).RootElement,
    };
}
