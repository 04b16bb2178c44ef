using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Application;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch convert FILE --to v1</c>: rewrites a legacy bundle, job or UET spec as reviewable v1 YAML.</summary>
internal static class ConvertCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "A legacy workstream bundle (or list), legacy job, or UET task, phase or execution-request spec." };
        var to = new Option<string>("--to") { Description = "The target format.", DefaultValueFactory = _ => "v1" };
        to.AcceptOnlyFromAmong("v1");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var command = new Command("convert", "Rewrite a legacy file in Orch's v1 format, with comments on what was mapped and dropped.") { file, to, output };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            var result = ProjectUseCases.Convert(parse.GetValue(file)!);
            DiagnosticsPrinter.Print(context, result.Diagnostics);
            if (result.Value is not { } yaml)
            {
                return ExitCodes.InvalidInput;
            }

            if (parse.GetValue(output) is { } target)
            {
                await File.WriteAllTextAsync(target, yaml, ct);
                context.Say($"wrote {target}", Verbosity.Normal);
            }
            else
            {
                await context.Out.WriteAsync(yaml);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
