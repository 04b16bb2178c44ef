using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Migration;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch migrate OLD_DB</c>: imports a legacy pipeline_state.db; running it again imports nothing twice.</summary>
internal static class MigrateCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var source = new Argument<string>("pipeline-state-db") { Description = "The legacy pipeline_state.db. It is opened read-only and never changed." };
        var command = new Command("migrate", "Import runs, workstreams, step attempts, errors and events from a legacy state database.") { source };
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, async () =>
            {
                var path = parse.GetValue(source)!;
                if (await LegacyStateImporter.CheckSourceAsync(path, ct) is { } problem)
                {
                    context.Error.WriteLine($"error ORCH2003: {problem}");
                    context.Error.WriteLine("  hint: give the pipeline_state.db of the legacy pipeline (its DDL is schema.sql); Orch's own state.db is not one.");
                    return ExitCodes.InvalidInput;
                }

                if (Path.GetFullPath(path) == context.DatabasePath)
                {
                    context.Error.WriteLine("error ORCH2003: the source is Orch's own state database");
                    return ExitCodes.InvalidInput;
                }

                var counts = await LegacyStateImporter.ImportAsync(path, context.DatabasePath, context.Time, ct);
                if (context.Json)
                {
                    JsonOutput.WriteLine(context.Out, new
                    {
                        schema_version = JsonOutput.SchemaVersion,
                        source = Path.GetFullPath(path),
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
            }, ct);
        });
        return command;
    }
}
