using System.CommandLine;
using System.Globalization;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Application;
using Orch.Core.Serialization;
using Orch.Core.Storage;
using Spectre.Console;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch status [ID]</c>: the queue and recent runs, or one run or job in detail.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var id = new Argument<string?>("id") { Description = "A run id or a job id. Without one: the queue and the latest runs.", Arity = ArgumentArity.ZeroOrOne };
        var watch = new Option<bool>("--watch", "-w") { Description = "Refresh until Ctrl-C, or until the run or job ends." };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes with --watch. Default: 2.", DefaultValueFactory = _ => 2 };
        var command = new Command("status", "Show the queue, a run or a job.") { id, watch, interval };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine();
            var subject = parse.GetValue(id);
            var every = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(interval), 0.1, 3600));
            while (true)
            {
                if (parse.GetValue(watch) && !context.Json && context.IsTerminal)
                {
                    context.Console.Clear();
                }

                var report = await engine.Reports.StatusAsync(subject, ct);
                var exit = Show(context, subject, report);
                var ended = report.Run is { Status: not RunStatus.Running } || report.Job is { Status: not (Core.Jobs.JobStatus.Queued or Core.Jobs.JobStatus.Running) };
                if (!parse.GetValue(watch) || exit != ExitCodes.Ok || ended)
                {
                    return exit;
                }

                try
                {
                    await Task.Delay(every, context.Time, ct);
                }
                catch (OperationCanceledException)
                {
                    return ExitCodes.Ok; // Ctrl-C is how a watch ends
                }
            }
        });
        return command;
    }

    private static int Show(CliContext context, string? subject, StatusReport report)
    {
        if (subject is null)
        {
            return Overview(context, report);
        }

        if (report.Job is { } job)
        {
            return Job(context, job, report.Attempts);
        }

        if (report.Run is { } run)
        {
            return Run(context, run, report);
        }

        context.Error.WriteLine($"error ORCH2002: no run or job '{subject}' in {context.DatabasePath}");
        context.Error.WriteLine("  hint: `dotnet orch status` lists recent runs; `dotnet orch job list` lists jobs.");
        return ExitCodes.InvalidInput;
    }

    private static int Overview(CliContext context, StatusReport report)
    {
        var (counts, runs) = (report.JobCounts, report.Runs);
        if (context.Json)
        {
            StatusJson.WriteOverview(context.Out, context.DatabasePath, counts, runs);
            return ExitCodes.Ok;
        }

        context.Say($"database: {context.DatabasePath}");
        var jobs = new List<string>(counts.Count);
        foreach (var (status, count) in counts)
        {
            jobs.Add($"{count} {OrchJson.EnumText(status)}");
        }

        context.Say(jobs.Count == 0 ? "jobs: none" : "jobs: " + string.Join(", ", jobs));
        if (runs.Count > 0)
        {
            var table = new TextTable("run", "kind", "status", "started", "finished");
            foreach (var run in runs)
            {
                table.AddRow(run.Id, run.Kind, OrchJson.EnumText(run.Status), Time(run.CreatedAt), run.FinishedAt is { } f ? Time(f) : "");
            }

            table.Write(context.Out);
        }

        return ExitCodes.Ok;
    }

    private static int Job(CliContext context, JobRecord job, IReadOnlyList<AttemptRecord> attempts)
    {
        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new
            {
                schema_version = JsonOutput.SchemaVersion,
                job = JobListCommand.ToJson(job),
                attempts = attempts.Select(a => new
                {
                    number = a.Number,
                    status = OrchJson.EnumText(a.Status),
                    exit_code = a.ExitCode,
                    started_at = a.StartedAt,
                    duration_ms = (long)a.Duration.TotalMilliseconds,
                    delay_ms = (long)a.DelayBefore.TotalMilliseconds,
                    error = a.Error,
                }),
                log_file = ReportUseCases.ExistingLogFileOf(job),
            });
            return ExitCodes.Ok;
        }

        JobListCommand.Render(context, [job]);
        context.Say($"  log: {ReportUseCases.ExistingLogFileOf(job) ?? "none (it printed nothing)"}");
        foreach (var a in attempts)
        {
            context.Say($"  attempt {a.Number}: {OrchJson.EnumText(a.Status)} exit={a.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"} " +
                        $"{a.Duration.TotalMilliseconds:0} ms after {a.DelayBefore.TotalMilliseconds:0} ms backoff{(a.Error is null ? "" : $" ({a.Error})")}");
        }

        if (job.Error is not null)
        {
            context.Say($"  error: {job.Error}");
        }

        return ExitCodes.Ok;
    }

    private static int Run(CliContext context, RunRecord run, StatusReport report)
    {
        var (jobs, workstreams) = (report.Jobs, report.Workstreams);
        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new
            {
                schema_version = JsonOutput.SchemaVersion,
                run_id = run.Id,
                status = OrchJson.EnumText(run.Status),
                run = RunJson.Of(run),
                workstreams = workstreams.Select(w => new
                {
                    id = w.Id, status = w.Status, stop_reason = w.StopReason, attempts = w.Attempts, detail = w.Detail,
                    spent_usd = report.Spent.GetValueOrDefault(w.Id), logs = report.LogFolders.GetValueOrDefault(w.Id),
                    phases = report.Phases.GetValueOrDefault(w.Id, []).Select(RunJson.Phase),
                }),
                jobs = jobs.Select(JobListCommand.ToJson),
            });
            return ExitCodes.Ok;
        }

        context.Say($"run {run.Id} ({run.Kind}): {OrchJson.EnumText(run.Status)}{(run.StopReason is null ? "" : $" ({run.StopReason})")}");
        if (workstreams.Count > 0)
        {
            var table = Tables.New("workstream", "status", "stop reason", "phases", "spent", "detail");
            foreach (var w in workstreams)
            {
                var phases = string.Join(", ", report.Phases.GetValueOrDefault(w.Id, []).Select(p => $"{OrchJson.EnumText(p.Name)} {OrchJson.EnumText(p.Status)}" +
                    (p.Attempts > 1 ? $" ×{p.Attempts}" : "")));
                table.AddRow(Markup.Escape(w.Id), OrchJson.EnumText(w.Status), w.StopReason is { } reason ? OrchJson.EnumText(reason) : "", Markup.Escape(phases),
                    report.Spent.GetValueOrDefault(w.Id).ToString("$0.00", CultureInfo.InvariantCulture), Markup.Escape(w.Detail ?? ""));
            }

            Tables.Write(context.Console, table);
            if (workstreams.Count > 0)
            {
                context.Say($"logs: {Path.Combine(Path.GetDirectoryName(report.LogFolders.Values.First())!, "WORKSTREAM")} (`dotnet orch logs {run.Id}/WORKSTREAM`)");
            }
        }
        else
        {
            JobListCommand.Render(context, jobs);
        }

        return ExitCodes.Ok;
    }

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
