using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Core.Settings;
using Orch.Core.Translation;

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
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, async () =>
            {
                var source = parse.GetValue(folder)!;
                if (!Directory.Exists(source))
                {
                    context.Error.WriteLine($"error ORCH1001: {source} is not a folder");
                    return ExitCodes.InvalidInput;
                }

                var yaml = ConfigImporter.Import(source);
                if (parse.GetValue(dryRun))
                {
                    await context.Out.WriteAsync(yaml);
                    return ExitCodes.Ok;
                }

                var target = ProjectSettings.PathFor(context.RepositoryRoot);
                if (File.Exists(target) && !parse.GetValue(force) && await File.ReadAllTextAsync(target, ct) != yaml)
                {
                    context.Error.WriteLine($"error: {target} exists and differs from the import; nothing was written");
                    context.Error.WriteLine("  hint: review it with --dry-run, then use --force to replace it.");
                    return ExitCodes.InvalidInput;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, yaml, ct);
                var check = ProjectSettings.Load(context.RepositoryRoot);
                Rendering.DiagnosticsPrinter.Print(context, check.Diagnostics);
                context.Say($"wrote {target}");
                return check.Succeeded ? ExitCodes.Ok : ExitCodes.InvalidInput;
            }, ct);
        });
        return command;
    }
}
