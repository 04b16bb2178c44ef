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
        var command = new Command("plan", "Print the waves a plan runs in, without running anything.") { path };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => Task.FromResult(Print(context, PlanUseCases.Describe(parse.GetValue(path)!))));
    }

    internal static int Print(CliContext context, PlanDescription description)
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
        }

        return plan.HasErrors ? ExitCodes.InvalidInput : ExitCodes.Ok;
    }
}
