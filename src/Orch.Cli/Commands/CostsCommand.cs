using System.CommandLine;
using System.Globalization;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Serialization;
using Orch.Core.Costs;
using Spectre.Console;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch costs [RUN]</c>: the cost ledger totalled per run, workstream, phase and tool.</summary>
internal static class CostsCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string?>("run-id") { Description = "One run; without it, every run in the database.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("costs", "Show what the AI tools spent: tokens and dollars per run, workstream, phase and tool.") { runId };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine();
            var run = parse.GetValue(runId);
            if (await engine.Reports.CostsAsync(run, ct) is not { } report)
            {
                context.Error.WriteLine($"error ORCH2002: no run '{run}' in {context.DatabasePath}");
                return ExitCodes.InvalidInput;
            }

            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, CostJson.Report(report, run, JsonOutput.SchemaVersion));
                return ExitCodes.Ok;
            }

            if (report.Yield.Count > 0)
            {
                var table = Tables.New("FIX loop (phase, tool)", "rounds", "findings", "fixed", "tokens", "cost", "per finding fixed");
                foreach (var y in report.Yield)
                {
                    table.AddRow(Markup.Escape($"{y.Phase} {y.Tool}"), N(y.Rounds), $"{y.FindingsBefore} → {y.FindingsAfter}", N(y.Fixed), N(y.Tokens), Money(y.CostUsd),
                        y.CostPerFixed is { } each ? $"{Money(each)}, {N(y.TokensPerFixed!.Value)} tokens" : "nothing fixed");
                }

                Tables.Write(context.Console, table);
            }

            if (report.Total.Calls == 0)
            {
                context.Say("no AI tool calls recorded");
                return ExitCodes.Ok;
            }

            Table("workstream / phase", report.ByPhase.Select(r => ($"{r.RunId} {r.Workstream} {r.Phase}".Trim(), r.Totals)));
            Table("tool / model", report.ByTool.Select(r => ($"{r.Tool} {r.Model}".Trim(), r.Totals)));
            context.Say($"total: {Money(report.Total.CostUsd)} over {report.Total.Calls} call(s)" +
                        (report.Total.Unpriced > 0 ? $" ({report.Total.Unpriced} call(s) with no price: add the model under prices: in .orch/orch.yaml)" : ""));
            return ExitCodes.Ok;

            void Table(string title, IEnumerable<(string Key, CostTotals Totals)> rows)
            {
                var table = Tables.New(title, "calls", "input", "cached", "output", "cost");
                foreach (var (key, totals) in rows)
                {
                    table.AddRow(Markup.Escape(key), N(totals.Calls), N(totals.InputTokens), N(totals.CachedTokens), N(totals.OutputTokens), Money(totals.CostUsd));
                }

                Tables.Write(context.Console, table);
            }
        });
        return command;
    }


    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Money(decimal usd) => usd.ToString("$0.00##", CultureInfo.InvariantCulture);
}
