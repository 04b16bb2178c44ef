using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Application;
using Orch.Core.Storage;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch resume RUN</c>: continues a run after a crash or Ctrl-C; finished phases never run again.</summary>
internal static class ResumeCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run-id") { Description = "The run to continue." };
        var command = new Command("resume", "Continue a run that crashed or was cancelled.") { runId };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => ResumeAsync(context, parse.GetValue(runId)!, ct));
    }

    private static async Task<int> ResumeAsync(CliContext context, string runId, CancellationToken cancellationToken)
    {
        // The live view's ETAs start unknown on resume: the plan file is only known once the run is found.
        await using var view = LiveRunView.Fits(context) ? new LiveRunView(context, null) : null;
        context.LiveView = view;
        await using var engine = context.BuildEngine();
        if ((await engine.Reports.StatusAsync(runId, cancellationToken)).Run is { Status: RunStatus.Succeeded } finished)
        {
            // Nothing is left to do; running it again would only reprint the summary.
            context.Say($"run {runId} already succeeded{(finished.FinishedAt is { } at ? $" at {at:u}" : "")}; there is nothing to resume. `dotnet orch status {runId}` shows it.");
            return ExitCodes.Ok;
        }

        var result = await engine.Plans.ResumeAsync(runId, plan =>
        {
            context.Say($"resuming run {runId} from {plan}", Verbosity.Normal);
            view?.Start(PlanUseCases.Describe(plan).Plan.Workstreams.Count);
        }, cancellationToken);
        if (view is not null)
        {
            await view.DisposeAsync();
        }

        DiagnosticsPrinter.Print(context, result.Diagnostics);
        if (result.Error is { } error)
        {
            return context.Fail(error);
        }

        return result.Summary is { } summary ? RunReport.Print(context, summary) : ExitCodes.InvalidInput;
    }
}
