using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Serialization;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch findings RUN</c>: what each check found, FIX round by FIX round, with file:line.</summary>
internal static class FindingsCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var runId = new Argument<string>("run") { Description = "The run (`dotnet orch status` lists them)." };
        var workstream = new Option<string?>("--workstream") { Description = "Only this workstream." };
        var phase = new Option<string?>("--phase") { Description = "Only this phase: static or runtime." };
        phase.AcceptOnlyFromAmong("static", "runtime");
        var command = new Command("findings", "List what each STATIC and RUNTIME check of a run found, FIX round by FIX round.") { runId, workstream, phase };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(async engine =>
        {
            var id = parse.GetValue(runId)!;
            var checks = await engine.Reports.FindingsAsync(id, parse.GetValue(workstream), parse.GetValue(phase), ct);
            if (checks is null)
            {
                context.Error.WriteLine($"error ORCH2002: no run '{id}' in {context.DatabasePath}");
                context.Error.WriteLine("  hint: `dotnet orch status` lists recent runs.");
                return ExitCodes.InvalidInput;
            }

            if (context.Format == OutputFormat.Sarif)
            {
                context.Out.WriteLine(Sarif.Write(checks, engine.RepositoryRoot));
                return ExitCodes.Ok;
            }

            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new
                {
                    schema_version = JsonOutput.SchemaVersion,
                    run_id = id,
                    checks = checks.Select(RunJson.Check),
                });
                return ExitCodes.Ok;
            }

            if (checks.Count == 0)
            {
                context.Say($"run {id} has no STATIC or RUNTIME checks yet");
                return ExitCodes.Ok;
            }

            foreach (var check in checks)
            {
                context.Out.WriteLine($"{check.Workstream}  {check.Phase.ToUpperInvariant()} round {check.Round}" +
                    (check.Command > 1 ? $", command {check.Command}" : "") + $" ({check.Tool}, {check.JobId}): " +
                    (check.Findings.Count == 0 ? "clean" : $"{check.Findings.Count} finding(s)"));
                foreach (var f in check.Findings)
                {
                    var where = f.File is null ? "" : f.Line is null ? $"{f.File}  " : f.Column is null ? $"{f.File}:{f.Line}  " : $"{f.File}:{f.Line}:{f.Column}  ";
                    context.Out.WriteLine($"  {where}{(f.Code is null ? "" : f.Code + "  ")}{OrchJson.EnumText(f.Severity)}  {f.Message}");
                }
            }

            return ExitCodes.Ok;
        }));
    }
}
