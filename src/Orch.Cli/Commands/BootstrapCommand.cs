using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Application;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch bootstrap</c>: finds out what the repository is, picks a profile with its reason, and writes settings.</summary>
internal static class BootstrapCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var force = new Option<bool>("--force") { Description = "Replace files you changed since the last bootstrap." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be written, and write nothing." };
        var profile = new Option<string?>("--profile") { Description = "Use this profile (a plugin's, say) whatever the discovery finds; `profiles list` names them." };
        var command = new Command("bootstrap", "Discover the repository, choose a profile and write .orch/orch.yaml and a starter workstream.") { force, dryRun, profile };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(engine =>
            Task.FromResult(Run(context, engine, parse.GetValue(force), parse.GetValue(dryRun), parse.GetValue(profile)))));
    }

    private static int Run(CliContext context, OrchEngine engine, bool force, bool dryRun, string? profile)
    {
        if (profile is not null && engine.Project.Profiles().Value?.Find(profile) is null)
        {
            return context.Fail(new OrchError(null, $"there is no profile '{profile}'",
                $"the profiles are {string.Join(", ", engine.Project.Profiles().Value?.All.Select(p => p.Id) ?? [])}; a plugin's profiles appear once it is added (`dotnet orch plugin add`)."));
        }

        var result = engine.Project.Bootstrap(force, dryRun, profile);
        DiagnosticsPrinter.Print(context, result.Diagnostics);
        var (discovery, selection, artifacts, blocked, write) = (result.Discovery, result.Selection, result.Artifacts, result.Blocked, result.Written);

        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new
            {
                schema_version = JsonOutput.SchemaVersion,
                discovery,
                selection = new
                {
                    profile = selection.Profile,
                    runner_up = selection.RunnerUp,
                    scores = selection.Scores,
                    reason = selection.Reason,
                    overrides = selection.Overrides.Select(o => new { path = o.Path, profile = o.Profile, reason = o.Reason }),
                },
                artifacts = artifacts.Select(a => new
                {
                    path = a.Path,
                    status = a.Unchanged ? "unchanged" : a.Existing is null ? (write ? "created" : "would_create") : write ? "replaced" : "kept_yours",
                }),
            });
        }
        else
        {
            context.Say($"profile: {selection.Profile} — {selection.Reason}");
            foreach (var o in selection.Overrides)
            {
                context.Say($"  {o.Path} uses the {o.Profile} profile: {o.Reason}");
            }

            context.Say($"languages: {string.Join(", ", discovery.Languages.DefaultIfEmpty("none"))}; tests: {string.Join(", ", discovery.TestFrameworks.DefaultIfEmpty("none"))}; " +
                        $"CI: {string.Join(", ", discovery.ExistingCi.DefaultIfEmpty("none"))}; confidence {discovery.DomainConfidence:0.00}", Verbosity.Normal);
            foreach (var evidence in discovery.Evidence)
            {
                context.Say($"  evidence: {evidence.Conclusion} — {evidence.Source} ({evidence.Detail})", Verbosity.Detailed);
            }

            foreach (var artifact in artifacts)
            {
                context.Say(artifact.Unchanged ? $"  unchanged {artifact.Path}" : artifact.Existing is null ? $"  {(write ? "wrote" : "would write")} {artifact.Path}"
                    : write ? $"  replaced {artifact.Path}" : $"  kept your {artifact.Path}");
            }
        }

        if (blocked.Count > 0 && !force)
        {
            foreach (var artifact in blocked)
            {
                context.Error.Write(BootstrapResult.DiffOf(artifact));
            }

            context.Error.WriteLine($"error: {blocked.Count} file(s) differ from what bootstrap would write; nothing was written{(dryRun ? " (dry run)" : "")}");
            context.Error.WriteLine("  hint: keep your edits, or run `dotnet orch bootstrap --force` to replace them.");
            return ExitCodes.InvalidInput;
        }

        return ExitCodes.Ok;
    }
}
