using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch validate PATH</c>: checks a file or a folder of Orch and legacy files, reporting every problem at once.</summary>
internal static class ValidateCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var path = new Argument<string>("path") { Description = "A file or a folder (searched recursively for *.json, *.yaml, *.yml)." };
        var command = new Command("validate", "Check jobs, workstreams, plans, UET task specs and settings against Orch's schemas.") { path };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(engine =>
        {
            var results = engine.Project.Validate(parse.GetValue(path)!);
            var diagnostics = results.SelectMany(r => r.Diagnostics).ToList();
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new
                {
                    schema_version = JsonOutput.SchemaVersion,
                    valid = results.All(r => r.Valid),
                    files = results.Select(r => new { file = r.File, kind = r.Kind, valid = r.Valid }),
                    diagnostics = diagnostics.Select(DiagnosticsPrinter.Json),
                });
            }
            else
            {
                DiagnosticsPrinter.Print(context, diagnostics);
                context.Say($"{results.Count} file(s): {results.Count(r => r.Valid)} valid, {results.Count(r => !r.Valid)} with errors, " +
                            $"{diagnostics.Count(d => !d.IsError)} warning(s)");
            }

            return Task.FromResult(results.All(r => r.Valid) ? ExitCodes.Ok : ExitCodes.InvalidInput);
        }));
    }
}
