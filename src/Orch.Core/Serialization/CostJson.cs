using Orch.Core.Costs;

namespace Orch.Core.Serialization;

/// <summary>The JSON shape of a cost report (<c>schema/output/costs.v1.schema.json</c>), the same for <c>costs --format json</c> and the dashboard.</summary>
public static class CostJson
{
    /// <summary>The report as <c>costs --format json</c> prints it.</summary>
    public static object Report(CostReport report, string? runId, int schemaVersion) => new
    {
        schema_version = schemaVersion,
        run_id = runId,
        total = Totals(report.Total),
        by_run = report.ByRun.Select(r => new { run_id = r.RunId, totals = Totals(r.Totals) }),
        by_workstream = report.ByWorkstream.Select(r => new { run_id = r.RunId, workstream = r.Workstream, totals = Totals(r.Totals) }),
        by_phase = report.ByPhase.Select(r => new { run_id = r.RunId, workstream = r.Workstream, phase = r.Phase, totals = Totals(r.Totals) }),
        by_tool = report.ByTool.Select(r => new { tool = r.Tool, model = r.Model, totals = Totals(r.Totals) }),
        fix_yield = report.Yield.Select(y => new
        {
            phase = y.Phase, tool = y.Tool, workstreams = y.Workstreams, fix_rounds = y.Rounds, findings_before = y.FindingsBefore,
            findings_after = y.FindingsAfter, @fixed = y.Fixed, tokens = y.Tokens, cost_usd = y.CostUsd,
            tokens_per_fixed = y.TokensPerFixed, cost_per_fixed_usd = y.CostPerFixed,
        }),
    };

    private static object Totals(CostTotals t) => new
    {
        calls = t.Calls, input_tokens = t.InputTokens, cached_tokens = t.CachedTokens, output_tokens = t.OutputTokens, cost_usd = t.CostUsd, unpriced_calls = t.Unpriced,
    };
}
