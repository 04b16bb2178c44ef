using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Serialization;
using Orch.Core.Workflow;
using Spectre.Console;

namespace Orch.Cli.Commands;

/// <summary>The end of <c>run</c>, <c>resume</c> and <c>demo</c>: one summary (a JSON line, or a table) and the exit code.</summary>
internal static class RunReport
{
    private static string Money(decimal usd) => usd.ToString("$0.00##", System.Globalization.CultureInfo.InvariantCulture);

    public static int Print(CliContext context, RunSummary summary)
    {
        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new
            {
                type = "summary",
                schema_version = JsonOutput.SchemaVersion,
                run_id = summary.RunId,
                status = summary.Cancelled ? "cancelled" : summary.Succeeded ? "succeeded" : "failed",
                spent_usd = summary.SpentUsd,
                budget_usd = summary.BudgetUsd,
                workstreams = summary.Workstreams.Select(w => new
                {
                    id = w.Id, status = w.Status, stop_reason = w.StopReason, attempts = w.Attempts, detail = w.Detail, spent_usd = w.SpentUsd,
                }),
            });
        }
        else
        {
            var table = Tables.New("workstream", "status", "stop reason", "checks", "spent", "detail");
            foreach (var w in summary.Workstreams)
            {
                var word = OrchJson.EnumText(w.Status);
                var status = w.Status == WorkstreamStatus.Succeeded ? $"[green]{word}[/]" : w.Status == WorkstreamStatus.Failed ? $"[red]{word}[/]" : $"[yellow]{word}[/]";
                table.AddRow(Markup.Escape(w.Id), status, OrchJson.EnumText(w.StopReason), w.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Money(w.SpentUsd), Markup.Escape(w.Detail ?? ""));
            }

            Tables.Write(context.Console, table);
            context.Say($"spent {Money(summary.SpentUsd)}{(summary.BudgetUsd is { } b ? $" of a {Money(b)} run budget" : "")}", Verbosity.Normal);
            // Resume is offered only where it does something: a stop from outside, or a merge the user can unblock.
            var resumable = summary.Cancelled || summary.Workstreams.Any(w => w.Status == WorkstreamStatus.Cancelled || w.StopReason == StopReason.MergeConflict);
            context.Say($"run {summary.RunId}: {(summary.Cancelled ? "cancelled" : summary.Succeeded ? "succeeded" : "failed")}" +
                        $" — `dotnet orch status {summary.RunId}` for details" + (resumable ? $", `dotnet orch resume {summary.RunId}` to continue" : ""));
        }

        return summary.Cancelled ? ExitCodes.Cancelled
            : summary.Workstreams.Any(w => w.StopReason == StopReason.Budget) ? ExitCodes.BudgetExceeded
            : summary.Succeeded ? ExitCodes.Ok
            : ExitCodes.WorkFailed;
    }
}
