using System.CommandLine;
using Orch.Abstractions.Model;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Queue;
using Orch.Core.Serialization;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch job run FILE</c>: loads one job (v1 or legacy) and runs it now.</summary>
internal static class JobRunCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "A job file: Orch v1 or legacy, JSON or YAML." };
        var command = new Command("run", "Run one job now and record it in the state database.") { file };
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, () => RunAsync(context, parse.GetValue(file)!, ct), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string file, CancellationToken cancellationToken)
    {
        var settings = Engine.LoadSettings(context);
        if (!settings.Succeeded)
        {
            DiagnosticsPrinter.Print(context, settings.Diagnostics);
            return ExitCodes.InvalidInput;
        }

        var loaded = new JobLoader(new RepositoryPaths(context.RepositoryRoot), settings.Value!.Tools).Load(file);
        DiagnosticsPrinter.Print(context, loaded.Diagnostics);
        if (!loaded.Succeeded)
        {
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, status = "invalid", diagnostics = loaded.Diagnostics.Select(DiagnosticsPrinter.Json) });
            }

            return ExitCodes.InvalidInput;
        }

        var spec = loaded.Value!;
        await using var engine = await Engine.CreateAsync(context, settings.Value!, Verbosity.Normal, cancellationToken);
        var run = await engine.Store.CreateRunAsync("job", Path.GetFullPath(file), cancellationToken);
        var job = await engine.Store.StartJobAsync(run.Id, JobSecrets.Redacted(spec), OwnerIdentity.Direct(), cancellationToken);
        context.Say($"{job.Id}: running '{spec.Name}' ({spec.Tool}) in {context.RepositoryRoot}", Verbosity.Normal);
        var outcome = await engine.Executor.ExecuteAsync(job, spec, cancellationToken);
        while (JobEscalation.FollowUp(spec, outcome.Status, engine.Tools) is { } next)
        {
            context.Say($"{outcome.JobId}: {OrchJson.EnumText(outcome.Status)}; retry_policy escalates to {next.Tool}", Verbosity.Minimal);
            spec = next;
            job = await engine.Store.StartJobAsync(run.Id, JobSecrets.Redacted(spec), OwnerIdentity.Direct(), cancellationToken);
            outcome = await engine.Executor.ExecuteAsync(job, spec, cancellationToken);
        }
        var runStatus = outcome.Status switch
        {
            JobStatus.Succeeded => RunStatus.Succeeded,
            JobStatus.Cancelled => RunStatus.Cancelled,
            _ => RunStatus.Failed,
        };
        await engine.Store.FinishRunAsync(run.Id, runStatus, outcome.Status == JobStatus.Succeeded ? null : OrchJson.EnumText(outcome.Status), CancellationToken.None);

        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new
            {
                type = "summary",
                schema_version = JsonOutput.SchemaVersion,
                job_id = outcome.JobId,
                run_id = run.Id,
                name = outcome.Name,
                status = OrchJson.EnumText(outcome.Status),
                exit_code = outcome.ExitCode,
                attempts = outcome.Attempts.Count,
                error = outcome.Error,
                log_file = outcome.LogFile,
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

            context.Say($"  log: {outcome.LogFile}", Verbosity.Normal);
            if (outcome.ErrorReport is not null)
            {
                context.Say($"  error report: {outcome.ErrorReport}");
            }
        }

        return JobExitCodes.For(outcome.Status);
    }
}
