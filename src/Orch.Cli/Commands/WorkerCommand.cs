using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Queue;
using Orch.Core.Serialization;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch worker</c>: works through the queue; several workers may share one database.</summary>
internal static class WorkerCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var parallel = new Option<int>("--parallel", "-p") { Description = "Jobs to run at once.", DefaultValueFactory = _ => 1 };
        parallel.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 256)
            {
                r.AddError("--parallel must be between 1 and 256.");
            }
        });
        var drain = new Option<bool>("--drain") { Description = "Exit once the queue is empty instead of waiting for more jobs." };
        var command = new Command("worker", "Run queued jobs; jobs left running by a crashed worker are recovered first.") { parallel, drain };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine(Verbosity.Detailed);
            var result = await engine.Jobs.WorkAsync(new WorkerOptions { Parallel = parse.GetValue(parallel), Drain = parse.GetValue(drain) },
                id => context.Say($"worker {id}: {parse.GetValue(parallel)} slot(s){(parse.GetValue(drain) ? ", draining" : "")}", Verbosity.Detailed), ct);
            if (result.WorkerId is not { } workerId)
            {
                DiagnosticsPrinter.Print(context, result.Diagnostics);
                return ExitCodes.InvalidInput;
            }

            var outcomes = result.Outcomes;
            var byStatus = outcomes.GroupBy(o => o.Status).ToDictionary(g => OrchJson.EnumText(g.Key), g => g.Count());
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { type = "summary", schema_version = JsonOutput.SchemaVersion, worker = workerId, jobs = outcomes.Count, by_status = byStatus });
            }
            else
            {
                context.Say($"worker ran {outcomes.Count} job(s): {(byStatus.Count == 0 ? "none" : string.Join(", ", byStatus.Select(kv => $"{kv.Value} {kv.Key}")))}");
            }

            return JobExitCodes.For(outcomes.Select(o => o.Status));
        });
        return command;
    }
}
