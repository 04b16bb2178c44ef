using System.CommandLine;
using System.Globalization;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Jobs;
using Orch.Core.Serialization;
using Orch.Core.Storage;
using Spectre.Console;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch job list</c>: the newest jobs in the state database, oldest of them first.</summary>
internal static class JobListCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var status = OptionValues.Choice<JobStatus>("--status", "Only jobs in this status.", "a job status");
        var run = new Option<string?>("--run") { Description = "Only jobs of this run." };
        var limit = OptionValues.WholeNumber("--limit", "How many of the newest jobs to show.", 200, 1);
        var command = new Command("list", "List jobs and their status.") { status, run, limit };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine();
            var jobs = await engine.Jobs.ListAsync(new JobQuery(parse.GetValue(status), parse.GetValue(run), parse.GetValue(limit)), ct);
            Render(context, jobs);
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static void Render(CliContext context, IReadOnlyList<JobRecord> jobs)
    {
        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, jobs = jobs.Select(ToJson) });
            return;
        }

        if (jobs.Count == 0)
        {
            context.Say("no jobs");
            return;
        }

        var table = Tables.New("job", "name", "tool", "status", "attempts", "exit", "queued");
        foreach (var job in jobs)
        {
            table.AddRow(Markup.Escape(job.Id), Markup.Escape(job.Spec.Name), Markup.Escape(job.Spec.Tool), StatusMarkup(job.Status),
                job.Attempts.ToString(CultureInfo.InvariantCulture), job.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "",
                job.QueuedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }

        Tables.Write(context.Console, table);
    }

    internal static object ToJson(JobRecord job) => new
    {
        job_id = job.Id,
        run_id = job.RunId,
        name = job.Spec.Name,
        tool = job.Spec.Tool,
        status = OrchJson.EnumText(job.Status),
        attempts = job.Attempts,
        exit_code = job.ExitCode,
        error = job.Error,
        queued_at = job.QueuedAt,
        started_at = job.StartedAt,
        finished_at = job.FinishedAt,
        recoveries = job.Recoveries,
    };

    internal static string StatusMarkup(JobStatus status)
    {
        var text = OrchJson.EnumText(status);
        return status switch
        {
            JobStatus.Succeeded => $"[green]{text}[/]",
            JobStatus.Failed or JobStatus.TimedOut or JobStatus.Stalled => $"[red]{text}[/]",
            JobStatus.CircuitOpen or JobStatus.Cancelled => $"[yellow]{text}[/]",
            _ => text,
        };
    }
}
