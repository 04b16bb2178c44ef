using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch job submit PATH...</c>: queues job files, or every job file in a folder, all or nothing.</summary>
internal static class JobSubmitCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var paths = new Argument<string[]>("paths") { Description = "Job files or folders of job files.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("submit", "Queue jobs for `dotnet orch worker`. Nothing is queued if any file is invalid.") { paths };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => SubmitAsync(context, parse.GetValue(paths)!, ct));
    }

    private static async Task<int> SubmitAsync(CliContext context, string[] paths, CancellationToken cancellationToken)
    {
        await using var engine = context.BuildEngine();
        var result = await engine.Jobs.SubmitAsync(paths, cancellationToken);
        DiagnosticsPrinter.Print(context, result.Diagnostics);
        if (result.Rejected)
        {
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, queued = Array.Empty<object>(), diagnostics = result.Diagnostics.Select(DiagnosticsPrinter.Json) });
            }

            return ExitCodes.InvalidInput;
        }

        var jobs = result.Queued;
        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new
            {
                schema_version = JsonOutput.SchemaVersion,
                queued = jobs.Select(j => new { job_id = j.Id, name = j.Spec.Name, tool = j.Spec.Tool, file = j.Spec.SourceFile }),
                diagnostics = result.Diagnostics.Select(DiagnosticsPrinter.Json),
            });
        }
        else
        {
            foreach (var job in jobs)
            {
                context.Say($"{job.Id}  {job.Spec.Name}", Verbosity.Normal);
            }

            context.Say($"queued {jobs.Count} job(s); run `dotnet orch worker --drain` to work through them");
        }

        return ExitCodes.Ok;
    }
}
