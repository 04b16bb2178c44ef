using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch logs JOB|RUN/WS [--follow]</c>: a job's log, or every log of a workstream in order.</summary>
internal static class LogsCommand
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var target = new Argument<string>("target") { Description = "A job id, or RUN/WORKSTREAM for every job of a workstream." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing as the jobs write; stops when the job or run ends, or on Ctrl-C." };
        var command = new Command("logs", "Print a job's log, or the logs of a workstream's jobs in order.") { target, follow };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(async engine =>
        {
            var what = parse.GetValue(target)!;
            var following = parse.GetValue(follow);
            // Following a workstream of a live run that has not recorded it yet waits for it, as for its next job.
            if (await engine.Reports.LogJobsAsync(what, ct) is null && !(following && await engine.Reports.MayStillStartAsync(what, ct)))
            {
                context.Error.WriteLine($"error ORCH2002: no job or run/workstream '{what}' in {context.DatabasePath}");
                context.Error.WriteLine("  hint: `dotnet orch status RUN` lists a run's workstreams and jobs.");
                return ExitCodes.InvalidInput;
            }

            await foreach (var line in engine.Reports.LogsAsync(what, following, FollowInterval, ct))
            {
                if (context.Json)
                {
                    JsonOutput.WriteLine(context.Out, new { job_id = line.JobId, header = line.IsHeader, text = line.Text });
                }
                else
                {
                    context.Out.WriteLine(line.Text);
                }
            }

            return ExitCodes.Ok;
        }));
    }
}
