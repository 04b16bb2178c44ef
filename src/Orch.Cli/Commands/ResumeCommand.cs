using System.CommandLine;
using System.Text.Json;
using Orch.Abstractions.Model;
using Orch.Abstractions.State;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Execution;
using Orch.Core.Planning;
using Orch.Core.Serialization;
using Orch.Core.Workflow;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch resume RUN</c>: continues a run after a crash or Ctrl-C; finished phases never run again.</summary>
internal static class ResumeCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run-id") { Description = "The run to continue." };
        var command = new Command("resume", "Continue a run that crashed or was cancelled.") { runId };
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, () => ResumeAsync(context, parse.GetValue(runId)!, ct), ct);
        });
        return command;
    }

    private static async Task<int> ResumeAsync(CliContext context, string runId, CancellationToken cancellationToken)
    {
        var settings = Engine.LoadSettings(context);
        DiagnosticsPrinter.Print(context, settings.Diagnostics);
        if (!settings.Succeeded)
        {
            return ExitCodes.InvalidInput;
        }

        await using var engine = await Engine.CreateAsync(context, settings.Value!, Verbosity.Diagnostic, cancellationToken);
        var run = await engine.Store.GetRunAsync(runId, cancellationToken);
        var optionsJson = run is null ? null : await engine.Store.GetRunOptionsAsync(runId, cancellationToken);
        if (run is null || optionsJson is null)
        {
            context.Error.WriteLine($"error ORCH2002: no plan run '{runId}' in {context.DatabasePath}");
            context.Error.WriteLine("  hint: `dotnet orch status` lists recent runs.");
            return ExitCodes.InvalidInput;
        }

        var stored = JsonSerializer.Deserialize<StoredRunOptions>(optionsJson, OrchJson.Options)!;
        if (run.Status == RunStatus.Running && ProcessInfo.IsAlive(new ProcessIdentity(stored.OwnerProcessId, stored.OwnerStartTicks)))
        {
            context.Error.WriteLine($"error: run {runId} is still running in process {stored.OwnerProcessId}");
            context.Error.WriteLine("  hint: wait for it, or stop it with Ctrl-C, then resume.");
            return ExitCodes.InvalidInput;
        }

        var plan = PlanLoader.Load(stored.Plan);
        DiagnosticsPrinter.Print(context, plan.Diagnostics);
        if (plan.HasErrors)
        {
            return ExitCodes.InvalidInput;
        }

        context.Say($"resuming run {runId} from {stored.Plan}", Verbosity.Normal);
        var summary = await WorkflowHost.CreateRunner(context, engine, settings.Value!).ResumeAsync(runId, plan, stored, cancellationToken);
        return RunReport.Print(context, summary);
    }
}
