using System.CommandLine;
using System.Globalization;
using Orch.Abstractions.Model;
using Orch.Abstractions.State;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;

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
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, async () =>
            {
                await using var store = await context.OpenStoreAsync(ct);
                var subject = parse.GetValue(id);
                if (subject is not null && await store.GetJobAsync(subject, ct) is null && await store.GetRunAsync(subject, ct) is null)
                {
                    context.Error.WriteLine($"error ORCH2002: no run or job '{subject}' in {context.DatabasePath}");
                    return ExitCodes.InvalidInput;
                }

                var last = parse.GetValue(after);
                while (true)
                {
                    IReadOnlyList<EventRecord> batch;
                    do
                    {
                        batch = await store.ReadEventsAsync(subject, last, 1000, ct);
                        foreach (var e in batch)
                        {
                            Print(context, e);
                            last = e.Id;
                        }
                    }
                    while (batch.Count == 1000);

                    if (!parse.GetValue(follow) || (subject is not null && await IsFinishedAsync(store, subject, ct)))
                    {
                        return ExitCodes.Ok;
                    }

                    try
                    {
                        await Task.Delay(FollowInterval, context.Time, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        // Ctrl-C is how a follow ends.
                        return ExitCodes.Ok;
                    }
                }
            }, ct);
        });
        return command;
    }

    private static async Task<bool> IsFinishedAsync(IStateStore store, string subject, CancellationToken ct)
    {
        if (await store.GetJobAsync(subject, ct) is { } job)
        {
            return job.Status is not (JobStatus.Queued or JobStatus.Running);
        }

        return await store.GetRunAsync(subject, ct) is { Status: not RunStatus.Running };
    }

    private static void Print(CliContext context, EventRecord e)
    {
        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, JsonOutput.Event(e));
            return;
        }

        var subject = e.JobId ?? e.RunId ?? "-";
        context.Out.WriteLine($"{e.Id,6} {e.Timestamp.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)} {e.Kind,-20} {subject} {e.Data}");
    }
}
