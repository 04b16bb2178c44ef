using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Spectre.Console;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch profiles list|show ID</c>: the built-in profiles.</summary>
internal static class ProfilesCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var list = new Command("list", "List the profiles: the built-in ones and the plugins'.");
        list.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(engine =>
        {
            var catalog = engine.Project.Profiles().Value!;
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, profiles = catalog.All.Select(Json) });
                return Task.FromResult(ExitCodes.Ok);
            }

            var table = Tables.New("profile", "extends", "from", "description");
            foreach (var profile in catalog.All)
            {
                table.AddRow(Markup.Escape(profile.Id), Markup.Escape(profile.Extends ?? ""), Markup.Escape(profile.Origin), Markup.Escape(profile.Description));
            }

            Tables.Write(context.Console, table);
            return Task.FromResult(ExitCodes.Ok);
        }));

        var id = new Argument<string>("id") { Description = "The profile." };
        var show = new Command("show", "Show one profile, with what it inherits resolved.") { id };
        show.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(engine =>
        {
            var catalog = engine.Project.Profiles().Value!;
            var name = parse.GetValue(id)!;
            if (catalog.Find(name) is not { } profile)
            {
                context.Error.WriteLine($"error: no profile '{name}'; the profiles are {string.Join(", ", catalog.All.Select(p => p.Id))}");
                return Task.FromResult(ExitCodes.InvalidInput);
            }

            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, profile = Json(profile) });
                return Task.FromResult(ExitCodes.Ok);
            }

            context.Say($"{profile.Id}{(profile.Extends is null ? "" : $" (extends {profile.Extends})")}: {profile.Description}");
            context.Say($"  STATIC:  {string.Join("; ", profile.Static.Select(c => (c.Autofix ? "autofix " : "") + c.Display).DefaultIfEmpty("none"))}");
            context.Say($"  RUNTIME: {string.Join("; ", profile.Runtime.Select(c => c.Display).DefaultIfEmpty("none"))}");
            context.Say($"  parsers: {string.Join(", ", profile.Parsers.Select(p => $"{p.Key} → {p.Value}").DefaultIfEmpty("none"))}");
            context.Say($"  breakers: max_attempts {profile.Breakers.MaxAttempts}, oscillation window {profile.Breakers.OscillationWindow}, threshold {profile.Breakers.OscillationThreshold}");
            foreach (var (capability, tools) in profile.Routing)
            {
                context.Say($"  {capability}: {string.Join(" → ", tools)}");
            }

            if (profile.LegacyProfiles.Count > 0)
            {
                context.Say($"  replaces the legacy UET profile(s): {string.Join(", ", profile.LegacyProfiles)}");
            }

            return Task.FromResult(ExitCodes.Ok);
        }));

        return new Command("profiles", "The profiles, built-in and from plugins: commands, parsers, breakers and routing per domain.") { list, show };
    }

    private static object Json(Core.Profiles.Profile p) => new
    {
        id = p.Id,
        extends = p.Extends,
        description = p.Description,
        origin = p.Origin,
        legacy_profiles = p.LegacyProfiles,
        @static = p.Static.Select(c => new { command = c.Command, shell = c.UseShell, autofix = c.Autofix }),
        runtime = p.Runtime.Select(c => new { command = c.Command, shell = c.UseShell }),
        parsers = p.Parsers,
        breakers = new { max_attempts = p.Breakers.MaxAttempts, oscillation_window = p.Breakers.OscillationWindow, oscillation_threshold = p.Breakers.OscillationThreshold },
        routing = p.Routing,
    };
}
