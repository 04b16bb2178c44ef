using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch cancel RUN</c>: stops a run from another terminal; the process running it stops as on Ctrl-C.</summary>
internal static class CancelCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run") { Description = "The run to stop (`dotnet orch status` lists them)." };
        var command = new Command("cancel", "Stop a running plan from another terminal; it can be resumed.") { runId };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(async engine =>
        {
            var id = parse.GetValue(runId)!;
            if (await engine.Plans.CancelAsync(id, ct) is { } error)
            {
                return context.Fail(error);
            }

            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, run_id = id, cancel_requested = true });
            }
            else
            {
                context.Say($"asked run {id} to stop; its process stops it within a second, and `dotnet orch resume {id}` continues it");
            }

            return ExitCodes.Ok;
        }));
    }
}
