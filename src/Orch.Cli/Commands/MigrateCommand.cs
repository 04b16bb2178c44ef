using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;


namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch migrate OLD_DB</c>: imports a legacy pipeline_state.db; running it again imports nothing twice.</summary>
internal static class MigrateCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var source = new Argument<string>("pipeline-state-db") { Description = "The legacy pipeline_state.db. It is opened read-only and never changed." };
        var command = new Command("migrate", "Import runs, workstreams, step attempts, errors and events from a legacy state database.") { source };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine();
            var result = await engine.Project.MigrateAsync(parse.GetValue(source)!, ct);
            if (result.Error is { } error)
            {
                return context.Fail(error);
            }

            var counts = result.Counts!;
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new
                {
                    schema_version = JsonOutput.SchemaVersion,
                    source = result.Source,
                    database = context.DatabasePath,
                    imported = new { runs = counts.Runs, workstreams = counts.Workstreams, step_attempts = counts.StepAttempts, errors = counts.Errors, events = counts.Events },
                    skipped = counts.Skipped,
                });
            }
            else
            {
                context.Say($"imported {counts.Runs} run(s), {counts.Workstreams} workstream(s), {counts.StepAttempts} step attempt(s), " +
                            $"{counts.Errors} error(s), {counts.Events} event(s) into {context.DatabasePath}; skipped {counts.Skipped} already imported");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
