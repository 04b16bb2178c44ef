using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Serialization;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch job run FILE</c>: loads one job (v1 or legacy) and runs it now.</summary>
internal static class JobRunCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "A job file: Orch v1 or legacy, JSON or YAML." };
        var command = new Command("run", "Run one job now and record it in the state database.") { file };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => RunAsync(context, parse.GetValue(file)!, ct));
    }

    private static async Task<int> RunAsync(CliContext context, string file, CancellationToken cancellationToken)
    {
        await using var engine = context.BuildEngine(Verbosity.Normal);
        var result = await engine.Jobs.RunAsync(file, null, cancellationToken);
        DiagnosticsPrinter.Print(context, result.Diagnostics);
        if (result.Outcome is not { } outcome)
        {
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, status = "invalid", diagnostics = result.Diagnostics.Select(DiagnosticsPrinter.Json) });
            }

            return ExitCodes.InvalidInput;
        }

        // A quiet job that exited 0 leaves no log file.
        var log = File.Exists(outcome.LogFile) ? outcome.LogFile : null;
        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new
            {
                type = "summary",
                schema_version = JsonOutput.SchemaVersion,
                job_id = outcome.JobId,
                run_id = result.RunId,
                name = outcome.Name,
                status = OrchJson.EnumText(outcome.Status),
                exit_code = outcome.ExitCode,
                attempts = outcome.Attempts.Count,
                error = outcome.Error,
                log_file = log,
                error_report = outcome.ErrorReport,
                findings = outcome.Findings,
            });
        }
        else
        {
            var exit = outcome.ExitCode is { } code ? $", exit code {code}" : "";
            context.Say($"{outcome.JobId}: {OrchJson.EnumText(outcome.Status)} after {outcome.Attempts.Count} attempt(s){exit}");
            if (outcome.Error is not null)
            {
                context.Say($"  {outcome.Error}");
            }

            context.Say($"  log: {log ?? "none (it printed nothing)"}", Verbosity.Normal);
            if (outcome.ErrorReport is not null)
            {
                context.Say($"  error report: {outcome.ErrorReport}");
            }
        }

        return JobExitCodes.For(outcome.Status);
    }
}
