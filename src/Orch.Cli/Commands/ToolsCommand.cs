using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Serialization;
using Spectre.Console;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch tools</c>: the adapter registry, with each tool's capabilities, whether it is installed, and its version.</summary>
internal static class ToolsCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("tools", "List the tool adapters, their capabilities, availability and version.");
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine();
            var rows = (await engine.Project.ToolsAsync(ct)).Select(t => new
            {
                name = t.Name,
                capabilities = t.Capabilities.Select(OrchJson.EnumText).ToArray(),
                available = t.Availability.IsAvailable,
                version = t.Availability.Version,
                path = t.Availability.Path,
                install_hint = t.Availability.InstallHint,
                origin = t.Origin,
            }).ToList();
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, tools = rows });
                return ExitCodes.Ok;
            }

            var table = Tables.New("tool", "capabilities", "available", "version", "from", "install");
            foreach (var row in rows)
            {
                table.AddRow(row.name, string.Join(", ", row.capabilities), row.available ? "[green]yes[/]" : "[red]no[/]",
                    Markup.Escape(row.version ?? ""), Markup.Escape(row.origin), Markup.Escape(row.install_hint ?? ""));
            }

            Tables.Write(context.Console, table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
