using Orch.Core.Storage;

namespace Orch.Core.Costs;

/// <summary>The cost ledger totalled per run, workstream, phase and tool.</summary>
public sealed record CostReport(
    CostTotals Total,
    IReadOnlyList<(string RunId, CostTotals Totals)> ByRun,
    IReadOnlyList<(string RunId, string Workstream, CostTotals Totals)> ByWorkstream,
    IReadOnlyList<(string RunId, string Workstream, string Phase, CostTotals Totals)> ByPhase,
    IReadOnlyList<(string Tool, string Model, CostTotals Totals)> ByTool)
{
    /// <summary>For one run: whether each phase's FIX loop paid for itself. Empty for a report over every run.</summary>
    public IReadOnlyList<FixYield> Yield { get; init; } = [];

    public static CostReport From(IReadOnlyList<CostRecord> records) => new(
        Sum(records),
        records.GroupBy(r => r.RunId ?? "").Select(g => (g.Key, Sum(g))).ToList(),
        records.GroupBy(r => (Run: r.RunId ?? "", Ws: r.WorkstreamId ?? "")).Select(g => (g.Key.Run, g.Key.Ws, Sum(g))).ToList(),
        records.GroupBy(r => (Run: r.RunId ?? "", Ws: r.WorkstreamId ?? "", Phase: r.Phase ?? "")).Select(g => (g.Key.Run, g.Key.Ws, g.Key.Phase, Sum(g))).ToList(),
        records.GroupBy(r => (r.Entry.Tool, Model: r.Entry.Model ?? "")).Select(g => (g.Key.Tool, g.Key.Model, Sum(g))).ToList());

    private static CostTotals Sum(IEnumerable<CostRecord> records)
    {
        var list = records.ToList();
        return new CostTotals(list.Count, list.Sum(r => r.Entry.InputTokens), list.Sum(r => r.Entry.CachedTokens), list.Sum(r => r.Entry.OutputTokens),
            list.Sum(r => r.Entry.CostUsd ?? 0), list.Count(r => r.Entry.CostUsd is null));
    }
}
