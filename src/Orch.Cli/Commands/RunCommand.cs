using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Workflow;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch run PLAN</c>: carries each workstream through EDIT, STATIC and RUNTIME in its own worktree.</summary>
internal static class RunCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var plan = new Argument<string>("plan") { Description = "A workstream file, a plan file, or a folder of workstream files." };
        var parallel = OptionValues.WholeNumber("--parallel", "Workstreams to run at once; each starts as soon as its dependencies have merged.", 1, 1, 256, "-p");
        var failFast = new Option<bool>("--fail-fast") { Description = "Cancel everything at the first failed workstream." };
        var noWorktree = new Option<bool>("--no-worktree") { Description = "Run in the repository itself, one workstream at a time, committing checkpoints on the current branch." };
        var noMerge = new Option<bool>("--no-merge") { Description = "Leave successful branches unmerged." };
        var budget = OptionValues.Dollars("--budget", "Dollars the run may spend on AI jobs; once spent, no new AI job starts (exit code 3).");
        var distribute = new Option<string>("--distribute")
        {
            Description = "Hand the workstreams to `dotnet orch worker` processes on any host, through this shared git remote (a URL or path every host reaches); this process merges.",
            HelpName = "remote",
        };
        var command = new Command("run", "Run a plan of workstreams.") { plan, parallel, failFast, noWorktree, noMerge, budget, distribute };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => RunAsync(context, parse.GetValue(plan)!, new RunOptions
            {
                Parallel = parse.GetValue(parallel),
                FailFast = parse.GetValue(failFast),
                UseWorktrees = !parse.GetValue(noWorktree),
                Merge = !parse.GetValue(noMerge),
                BudgetUsd = parse.GetValue(budget),
                Remote = parse.GetValue(distribute),
            }, ct));
    }

    internal static async Task<int> RunAsync(CliContext context, string planPath, RunOptions runOptions, CancellationToken cancellationToken)
    {
        await using var view = LiveRunView.Fits(context) ? new LiveRunView(context, runOptions.BudgetUsd) : null;
        context.LiveView = view;
        await using var engine = context.BuildEngine();
        if (view is not null)
        {
            await view.LoadEstimatesAsync(engine, planPath, runOptions.Parallel, cancellationToken);
        }

        var result = await engine.Plans.RunAsync(planPath, runOptions, (runId, count) =>
        {
            context.Say($"run {runId}: {count} workstream(s) from {planPath}", Verbosity.Normal);
            view?.Start(count);
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
