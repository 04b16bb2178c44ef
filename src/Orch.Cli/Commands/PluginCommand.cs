using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Application;
using Spectre.Console;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch plugin add|list|remove|restore</c>: adapters and profiles from NuGet, pinned by <c>.orch/plugins.lock</c>.</summary>
internal static class PluginCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var packageId = new Argument<string>("package-id") { Description = "The plugin's NuGet package id." };
        var version = new Option<string?>("--version") { Description = "The exact version; the latest stable one when left out." };
        var source = new Option<string?>("--source") { Description = "A feed (URL or folder) to search first, besides the sources in nuget.config." };
        var add = new Command("add", "Install a plugin and its dependencies from NuGet and record them, with their SHA-512, in .orch/plugins.lock.") { packageId, version, source };
        add.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(async engine =>
        {
            var result = await engine.PluginManagement.AddAsync(parse.GetValue(packageId)!, parse.GetValue(version), parse.GetValue(source), ct);
            if (result.Plugin is not { } plugin)
            {
                return context.Fail(new OrchError(null, result.Error!));
            }

            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, plugin = Json(plugin) });
                return ExitCodes.Ok;
            }

            context.Say($"added {plugin.Id} {plugin.Version} ({plugin.Packages.Count} package(s), locked in .orch/plugins.lock; commit it)");
            return ExitCodes.Ok;
        }));

        var list = new Command("list", "List the locked plugins, what each adds, and any that did not load and why.");
        list.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(engine =>
        {
            var listing = engine.PluginManagement.List();
            if (listing.LockError is not null)
            {
                return Task.FromResult(context.Fail(new OrchError(null, listing.LockError)));
            }

            var rows = listing.Locked.Select(locked =>
            {
                var loaded = listing.Loaded.FirstOrDefault(p => p.Id.Equals(locked.Id, StringComparison.OrdinalIgnoreCase));
                var problem = listing.Problems.FirstOrDefault(p => p.Id.Equals(locked.Id, StringComparison.OrdinalIgnoreCase));
                return new
                {
                    id = locked.Id,
                    version = locked.Version,
                    loaded = loaded is not null,
                    adapters = loaded?.Adapters.Select(a => a.Name).ToArray() ?? [],
                    profiles = loaded?.ProfileSources.SelectMany(s => s.GetProfiles()).Select(d => Path.GetFileNameWithoutExtension(d.Path)).ToArray() ?? [],
                    assemblies = loaded?.Assemblies.Select(a => $"{a.Name} {a.Version}").ToArray() ?? [],
                    problem = problem?.Reason,
                };
            }).ToList();
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, plugins = rows });
                return Task.FromResult(ExitCodes.Ok);
            }

            if (rows.Count == 0)
            {
                context.Say("no plugins; add one with `dotnet orch plugin add PACKAGE-ID`");
                return Task.FromResult(ExitCodes.Ok);
            }

            var table = Tables.New("plugin", "version", "adapters", "profiles", "status");
            foreach (var row in rows)
            {
                table.AddRow(Markup.Escape(row.id), Markup.Escape(row.version), Markup.Escape(string.Join(", ", row.adapters)),
                    Markup.Escape(string.Join(", ", row.profiles)), row.loaded ? "[green]loaded[/]" : $"[red]not loaded[/]: {Markup.Escape(row.problem ?? "")}");
            }

            Tables.Write(context.Console, table);
            return Task.FromResult(ExitCodes.Ok);
        }));

        var removeId = new Argument<string>("package-id") { Description = "The plugin to remove." };
        var remove = new Command("remove", "Remove a plugin from .orch/plugins.lock and delete its files.") { removeId };
        remove.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(engine =>
        {
            var id = parse.GetValue(removeId)!;
            var (removed, error) = engine.PluginManagement.Remove(id);
            if (error is not null)
            {
                return Task.FromResult(context.Fail(new OrchError(null, error)));
            }

            if (!removed)
            {
                return Task.FromResult(context.Fail(new OrchError(null, $"no plugin '{id}' is in .orch/plugins.lock", "`dotnet orch plugin list` shows the plugins.")));
            }

            context.Say($"removed {id}");
            return Task.FromResult(ExitCodes.Ok);
        }));

        var restoreSource = new Option<string?>("--source") { Description = "A feed (URL or folder) to search first, besides the sources in nuget.config." };
        var restore = new Command("restore", "Install exactly what .orch/plugins.lock holds; a package whose SHA-512 changed is refused.") { restoreSource };
        restore.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(async engine =>
        {
            var results = await engine.PluginManagement.RestoreAsync(parse.GetValue(restoreSource), ct);
            foreach (var result in results)
            {
                if (result.Plugin is { } plugin)
                {
                    context.Say($"restored {plugin.Id} {plugin.Version}");
                }
                else
                {
                    context.Error.WriteLine($"error: {(result.PluginId is null ? "" : result.PluginId + ": ")}{result.Error}");
                }
            }

            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new
                {
                    schema_version = JsonOutput.SchemaVersion,
                    plugins = results.Select(r => new { id = r.Plugin?.Id ?? r.PluginId, restored = r.Plugin is not null, error = r.Error }),
                });
            }

            return results.All(r => r.Plugin is not null) ? ExitCodes.Ok : ExitCodes.InvalidInput;
        }));

        return new Command("plugin", "Plugins: tool adapters and profiles from NuGet feeds, pinned in .orch/plugins.lock.") { add, list, remove, restore };
    }

    private static object Json(Core.Plugins.LockedPlugin plugin) => new
    {
        id = plugin.Id,
        version = plugin.Version,
        assemblies = plugin.Assemblies,
        packages = plugin.Packages.Select(p => new { id = p.Id, version = p.Version, sha512 = p.Sha512 }),
    };
}
