using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Core.Serialization;
using Orch.Core.Workflow;

namespace Orch.Cli.Commands;

/// <summary>
/// <c>dotnet orch run-workstream RUN WS --job JOB --fence N</c> (hidden): what a worker runs for a workstream a
/// distributed run handed over. Exit 0 when the workstream reached a verdict (the database holds it), 1 when it could
/// not run, 75 when the job went to another worker.
/// </summary>
internal static class RunWorkstreamCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var run = new Argument<string>("run") { Description = "The distributed run." };
        var workstream = new Argument<string>("workstream") { Description = "The workstream to carry." };
        var job = new Option<string>("--job") { Description = "The job the worker claimed.", Required = true };
        var fence = new Option<long>("--fence") { Description = "The claim's fencing token.", Required = true };
        var command = new Command(Core.Workflow.Distribution.WorkstreamJob.Command, "Carry one handed-over workstream of a distributed run (run by workers).")
        {
            run, workstream, job, fence,
        };
        return command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine();
            var result = await engine.Plans.RunHandedOverAsync(parse.GetValue(run)!, parse.GetValue(workstream)!, parse.GetValue(job)!, parse.GetValue(fence), ct);
            if (result.Outcome is { } outcome)
            {
                context.Say($"{outcome.Id}: {OrchJson.EnumText(outcome.Status)} ({OrchJson.EnumText(outcome.StopReason)}){(outcome.Detail is null ? "" : $": {outcome.Detail}")}");
                return outcome.Status == WorkstreamStatus.Cancelled ? ExitCodes.Cancelled : ExitCodes.Ok;
            }

            context.Fail(result.Error!);
            return result.Lost ? ExitCodes.LostToAnotherWorker : ExitCodes.WorkFailed;
        });
    }
}
