using System.CommandLine;
using System.Globalization;
using Orch.Cli.Hosting;
using Orch.Core.Events;
using Orch.Core.Storage;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch events [ID] [--follow]</c>: the append-only event log, whole or for one run or job.</summary>
internal static class EventsCommand
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var id = new Argument<string?>("id") { Description = "A run id or a job id. Without one: every event.", Arity = ArgumentArity.ZeroOrOne };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events; stops when the run or job ends, or on Ctrl-C." };
        var after = new Option<long>("--after") { Description = "Only events after this event id." };
        var command = new Command("events", "Print events from the state database.") { id, follow, after };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine();
            var subject = parse.GetValue(id);
            if (subject is not null && !await engine.Reports.ExistsAsync(subject, ct))
            {
                context.Error.WriteLine($"error ORCH2002: no run or job '{subject}' in {context.DatabasePath}");
                return ExitCodes.InvalidInput;
            }

            await foreach (var e in engine.Reports.EventsAsync(subject, parse.GetValue(after), parse.GetValue(follow), FollowInterval, ct))
            {
                Print(context, e);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(CliContext context, EventRecord e)
    {
        if (context.Json)
        {
            context.Out.WriteLine(EventJson.Line(e));
            return;
        }

        var subject = e.JobId ?? e.RunId ?? "-";
        context.Out.WriteLine($"{e.Id,6} {e.Timestamp.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)} {e.Kind,-20} {subject} {e.Data}");
    }
}
