using System.CommandLine;
using Orch.Adapters.Registry;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Execution;
using Orch.Core.Secrets;
using Orch.Core.Serialization;
using Spectre.Console;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch tools</c>: the adapter registry, with each tool's capabilities, whether it is installed, and its version.</summary>
internal static class ToolsCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("tools", "List the tool adapters, their capabilities, availability and version.");
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, async () =>
            {
                var launcher = new ProcessRunner(null, SecretRedactor.FromEnvironment(), context.Time);
                var adapters = AdapterRegistry.CreateDefault().Adapters.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
                var probes = await Task.WhenAll(adapters.Select(a => a.ProbeAsync(launcher, ct).AsTask()));
                var rows = adapters.Zip(probes, (a, p) => new
                {
                    name = a.Name,
                    capabilities = a.Capabilities.Select(OrchJson.EnumText).ToArray(),
                    available = p.IsAvailable,
                    version = p.Version,
                    path = p.Path,
                    install_hint = p.InstallHint,
                }).ToList();
                if (context.Json)
                {
                    JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, tools = rows });
                    return ExitCodes.Ok;
                }

                var table = new Table().Border(TableBorder.Simple);
                table.AddColumns("tool", "capabilities", "available", "version", "install");
                foreach (var row in rows)
                {
                    table.AddRow(row.name, string.Join(", ", row.capabilities), row.available ? "[green]yes[/]" : "[red]no[/]",
                        Markup.Escape(row.version ?? ""), Markup.Escape(row.install_hint ?? ""));
                }

                context.Console.Write(table);
                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }
}
