using Orch.Core.Planning;
using Orch.Core.Settings;
using Orch.Core.Workflow;

namespace Orch.Core.Estimates;

/// <summary>
/// A plan's duration and cost, predicted from the jobs of earlier runs in the database (<see cref="JobHistory"/>). Where
/// the history knows nothing of a tool or a command, the figure is <see langword="null"/> ("unknown"), never a guess.
/// </summary>
public sealed record PlanEstimate(IReadOnlyList<WorkstreamEstimate> Workstreams, TimeSpan? Duration, decimal? CostUsd, int Parallel, int Samples)
{
    /// <summary>Estimates every workstream, then the run as a ready queue of <paramref name="parallel"/> slots over the dependencies.</summary>
    public static PlanEstimate Of(Plan plan, ProjectSettings settings, string repositoryRoot, JobHistory history, int parallel)
    {
        var estimates = plan.Workstreams.Select(ws => WorkstreamEstimate.Of(ws, settings, repositoryRoot, history)).ToList();
        TimeSpan? makespan = estimates.All(e => e.Duration is not null)
            ? Makespan(plan.Workstreams, estimates.ToDictionary(e => e.Id, e => e.Duration!.Value, StringComparer.Ordinal), Math.Max(1, parallel))
            : null;
        decimal? cost = estimates.All(e => e.CostUsd is not null) ? estimates.Sum(e => e.CostUsd!.Value) : null;
        return new PlanEstimate(estimates, makespan, cost, Math.Max(1, parallel), history.Samples);
    }

    /// <summary>An ETA that starts from this estimate and is refined as the run's workstreams finish.</summary>
    public RunEta Track() => new(Workstreams.ToDictionary(w => w.Id, w => w.Duration, StringComparer.Ordinal), Parallel);

    // The ready queue the scheduler runs: a free slot takes the first workstream, in plan order, whose dependencies are done.
    private static TimeSpan Makespan(IReadOnlyList<WorkstreamSpec> workstreams, Dictionary<string, TimeSpan> durations, int slots)
    {
        var done = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var running = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var now = TimeSpan.Zero;
        while (done.Count < workstreams.Count)
        {
            foreach (var ws in workstreams)
            {
                if (running.Count >= slots)
                {
                    break;
                }

                if (!done.ContainsKey(ws.Id) && !running.ContainsKey(ws.Id) && ws.DependsOn.All(d => done.TryGetValue(d, out var end) && end <= now))
                {
                    running[ws.Id] = now + durations[ws.Id];
                }
            }

            if (running.Count == 0)
            {
                break; // a dependency outside the plan: nothing more can start
            }

            now = running.Values.Min();
            foreach (var finished in running.Where(r => r.Value == now).Select(r => r.Key).ToList())
            {
                done[finished] = now;
                running.Remove(finished);
            }
        }

        return now;
    }
}

/// <summary>One workstream's predicted EDIT, checks and FIX rounds; a part the history does not know is <see langword="null"/>.</summary>
public sealed record WorkstreamEstimate(string Id, TimeSpan? Edit, TimeSpan? Static, TimeSpan? Runtime, double StaticFixRounds, double RuntimeFixRounds,
    TimeSpan? Duration, decimal? CostUsd)
{
    public static WorkstreamEstimate Of(WorkstreamSpec ws, ProjectSettings settings, string repositoryRoot, JobHistory history)
    {
        var tool = ws.Edit.Tool ?? (settings.Escalation.Chain.Count > 0 ? settings.Escalation.Chain[0] : "claude");
        var edit = history.Duration(JobHistory.EditKey(tool));
        var fix = history.Duration(JobHistory.FixKey(tool)) ?? edit;
        TimeSpan? Checks(PhaseName phase, IReadOnlyList<PhaseCommand>? own)
        {
            var word = phase == PhaseName.Static ? "static" : "runtime";
            var durations = CheckPhase.For(phase, settings, repositoryRoot, own).Commands.Select(c => history.Duration(JobHistory.CheckKey(word, c.Display))).ToList();
            return durations.Any(d => d is null) ? null : durations.Aggregate(TimeSpan.Zero, (sum, d) => sum + d!.Value);
        }

        var staticChecks = Checks(PhaseName.Static, ws.Static);
        var runtimeChecks = Checks(PhaseName.Runtime, ws.Runtime);
        var staticRounds = staticChecks is { } s && s > TimeSpan.Zero ? history.FixRounds("static") ?? 0 : 0;
        var runtimeRounds = runtimeChecks is { } r && r > TimeSpan.Zero ? history.FixRounds("runtime") ?? 0 : 0;
        TimeSpan? duration = edit is null || staticChecks is null || runtimeChecks is null || (staticRounds + runtimeRounds > 0 && fix is null) ? null
            : edit + staticChecks + runtimeChecks
              + (fix!.Value + staticChecks.Value) * staticRounds + (fix.Value + runtimeChecks.Value) * runtimeRounds;
        var editCost = history.Cost(JobHistory.EditKey(tool));
        var fixCost = history.Cost(JobHistory.FixKey(tool)) ?? editCost;
        // A tool with no spend on record (a script) costs nothing; an AI tool's first run is unknown, not free.
        decimal? cost = editCost is null && IsAiTool(tool) ? null : (editCost ?? 0) + (fixCost ?? 0) * (decimal)(staticRounds + runtimeRounds);
        return new WorkstreamEstimate(ws.Id, edit, staticChecks, runtimeChecks, staticRounds, runtimeRounds, duration, cost);
    }

    private static bool IsAiTool(string tool) => tool is "claude" or "codex" or "aider";
}
