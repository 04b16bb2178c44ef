using System.CommandLine;
using Orch.Cli.Hosting;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch import-config DIR</c>: turns the legacy engines' config files into .orch/orch.yaml.</summary>
internal static class ImportConfigCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string>("legacy-config-dir") { Description = "The folder with tool_profiles.json, circuit_breakers.yaml, router_config.json, aim_config.yaml, agent_profiles.json." };
        var force = new Option<bool>("--force") { Description = "Replace an existing .orch/orch.yaml." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the settings instead of writing them." };
        var command = new Command("import-config", "Import legacy configuration into .orch/orch.yaml.") { folder, force, dryRun };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine();
            var result = await engine.Project.ImportConfigAsync(parse.GetValue(folder)!, parse.GetValue(force), parse.GetValue(dryRun), ct);
            if (result.Error is { } error)
            {
                return context.Fail(error);
            }

            if (!result.Written)
            {
                await context.Out.WriteAsync(result.Yaml);
                return ExitCodes.Ok;
            }

            Rendering.DiagnosticsPrinter.Print(context, result.Diagnostics);
            context.Say($"wrote {result.Target}");
            return result.Diagnostics.Any(d => d.IsError) ? ExitCodes.InvalidInput : ExitCodes.Ok;
        });
        return command;
    }
}
