using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Application;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch plan PLAN</c>: loads and checks a plan and prints its waves, running nothing.</summary>
internal static class PlanCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var path = new Argument<string>("plan") { Description = "A workstream file, a plan file, or a folder of workstream files." };
        var estimate = new Option<bool>("--estimate") { Description = "Also predict its duration and cost from earlier runs in the database." };
        var parallel = new Option<int>("--parallel") { Description = "Workstreams at once, for --estimate. Default: 1.", DefaultValueFactory = _ => 1 };
        var command = new Command("plan", "Print the waves a plan runs in, without running anything.") { path, estimate, parallel };
        return command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            var description = PlanUseCases.Describe(parse.GetValue(path)!);
            if (!parse.GetValue(estimate))
            {
                return Print(context, description);
            }

            await using var engine = context.BuildEngine();
            return Print(context, description, await engine.Plans.EstimateAsync(description.Plan, parse.GetValue(parallel), ct));
        });
    }

    private static string Seconds(TimeSpan? time) => time is { } t ? $"{t.TotalSeconds:0.#} s" : "unknown";

    private static string Dollars(decimal? usd) => usd is { } d ? d.ToString("$0.00##", System.Globalization.CultureInfo.InvariantCulture) : "unknown";

    internal static int Print(CliContext context, PlanDescription description, Core.Estimates.PlanEstimate? estimate = null)
    {
        var (plan, waves) = (description.Plan, description.Waves);
        DiagnosticsPrinter.Print(context, plan.Diagnostics);
        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new
            {
                schema_version = JsonOutput.SchemaVersion,
                source = plan.Source,
                valid = !plan.HasErrors,
                waves = waves.Select(w => new
                {
                    wave = w.Number,
                    workstreams = w.Workstreams.Select(ws => ws.Id),
                    conflict_groups = w.ConflictGroups,
                }),
                workstreams = plan.Workstreams.Select(ws => new
                {
                    id = ws.Id,
                    title = ws.Title,
                    depends_on = ws.DependsOn,
                    files_scope = ws.FilesScope,
                    files_create = ws.FilesCreate,
                    tool = ws.Edit.Tool,
                    source = ws.SourceFile,
                }),
                diagnostics = plan.Diagnostics.Select(DiagnosticsPrinter.Json),
                estimate = estimate is null ? null : new
                {
                    parallel = estimate.Parallel,
                    samples = estimate.Samples,
                    duration_s = estimate.Duration?.TotalSeconds,
                    cost_usd = estimate.CostUsd,
                    workstreams = estimate.Workstreams.Select(w => new
                    {
                        id = w.Id, edit_s = w.Edit?.TotalSeconds, static_s = w.Static?.TotalSeconds, runtime_s = w.Runtime?.TotalSeconds,
                        static_fix_rounds = w.StaticFixRounds, runtime_fix_rounds = w.RuntimeFixRounds, duration_s = w.Duration?.TotalSeconds, cost_usd = w.CostUsd,
                    }),
                },
            });
        }
        else
        {
            foreach (var wave in waves)
            {
                context.Say($"wave {wave.Number}: {string.Join(", ", wave.Workstreams.Select(w => w.Id))}");
                foreach (var group in wave.ConflictGroups)
                {
                    context.Say($"  one at a time (overlapping scope): {string.Join(", ", group)}");
                }
            }

            context.Say($"{plan.Workstreams.Count} workstream(s) in {waves.Count} wave(s)", Verbosity.Normal);
            if (estimate is not null)
            {
                foreach (var w in estimate.Workstreams)
                {
                    context.Say($"  {w.Id}: EDIT {Seconds(w.Edit)}, STATIC {Seconds(w.Static)}, RUNTIME {Seconds(w.Runtime)}" +
                        (w.StaticFixRounds + w.RuntimeFixRounds > 0 ? $", ~{w.StaticFixRounds + w.RuntimeFixRounds:0.#} FIX round(s)" : "") +
                        $": {Seconds(w.Duration)}, {Dollars(w.CostUsd)}");
                }

                context.Say($"estimate with --parallel {estimate.Parallel}: {Seconds(estimate.Duration)}, {Dollars(estimate.CostUsd)}" +
                    (estimate.Samples == 0 ? " (no earlier runs in the database to go by)" : $" (from {estimate.Samples} earlier job(s))"));
            }
        }

        return plan.HasErrors ? ExitCodes.InvalidInput : ExitCodes.Ok;
    }
}
