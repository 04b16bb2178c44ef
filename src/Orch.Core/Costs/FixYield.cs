using Orch.Core.Application;
using Orch.Core.Storage;
using Orch.Core.Workflow;

namespace Orch.Core.Costs;

/// <summary>
/// Whether a FIX loop paid for itself: per phase and FIX tool (a chain when escalation handed over), how many FIX rounds
/// ran, the findings before the first FIX and after the last, and the tokens and dollars spent per finding fixed.
/// </summary>
public sealed record FixYield(string Phase, string Tool, int Workstreams, int Rounds, int FindingsBefore, int FindingsAfter,
    long Tokens, decimal CostUsd)
{
    /// <summary>Findings gone between the first check and the last; never negative.</summary>
    public int Fixed => Math.Max(0, FindingsBefore - FindingsAfter);

    /// <summary>Dollars per finding fixed, or <see langword="null"/> when none was.</summary>
    public decimal? CostPerFixed => Fixed == 0 ? null : CostUsd / Fixed;

    /// <summary>Tokens per finding fixed, or <see langword="null"/> when none was.</summary>
    public long? TokensPerFixed => Fixed == 0 ? null : Tokens / Fixed;

    /// <summary>The yield of each phase and FIX tool of one run, from its jobs (checks and FIX rounds) and its cost ledger.</summary>
    public static IReadOnlyList<FixYield> Of(IReadOnlyList<CheckFindings> jobs, IReadOnlyList<CostRecord> costs)
    {
        var checks = jobs.Select(CheckRound.Of).OfType<CheckRound>().ToList();
        var fixes = jobs.Select(j => (Job: j, Name: JobName.Parse(j.Name)))
            .Where(f => f.Name is { Kind: JobKind.Fix })
            .Select(f => (Workstream: f.Job.WorkstreamId ?? f.Name!.Workstream, Phase: f.Name!.Phase!, f.Job.Tool))
            .ToList();
        var loops = fixes.GroupBy(f => (f.Workstream, f.Phase)).Select(g =>
        {
            // A round's findings are those of all its commands (format and build; build and each test project).
            var rounds = checks.Where(c => c.Workstream == g.Key.Workstream && c.Phase == g.Key.Phase)
                .GroupBy(c => c.Round).OrderBy(r => r.Key).Select(r => r.Sum(c => c.Findings.Count)).ToList();
            var spent = costs.Where(c => c.WorkstreamId == g.Key.Workstream && string.Equals(c.Phase, g.Key.Phase, StringComparison.OrdinalIgnoreCase)).ToList();
            return (g.Key.Phase, Tool: string.Join(" → ", g.Select(f => f.Tool).Distinct()), Rounds: g.Count(),
                Before: rounds.Count > 0 ? rounds[0] : 0, After: rounds.Count > 0 ? rounds[^1] : 0,
                Tokens: spent.Sum(c => c.Entry.InputTokens + c.Entry.OutputTokens), Usd: spent.Sum(c => c.Entry.CostUsd ?? 0));
        });
        return loops.GroupBy(l => (l.Phase, l.Tool))
            .Select(g => new FixYield(g.Key.Phase, g.Key.Tool, g.Count(), g.Sum(l => l.Rounds), g.Sum(l => l.Before), g.Sum(l => l.After), g.Sum(l => l.Tokens), g.Sum(l => l.Usd)))
            .OrderBy(y => y.Phase, StringComparer.Ordinal).ThenBy(y => y.Tool, StringComparer.Ordinal)
            .ToList();
    }
}
