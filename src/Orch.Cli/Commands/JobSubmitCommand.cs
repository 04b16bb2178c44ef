using System.CommandLine;
using Orch.Abstractions.Diagnostics;
using Orch.Abstractions.Model;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Diagnostics;
using Orch.Core.Execution;
using Orch.Core.Jobs;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch job submit PATH...</c>: queues job files, or every job file in a folder, all or nothing.</summary>
internal static class JobSubmitCommand
{
    private static readonly string[] JobExtensions = [".json", ".yaml", ".yml"];

    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var paths = new Argument<string[]>("paths") { Description = "Job files or folders of job files.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("submit", "Queue jobs for `dotnet orch worker`. Nothing is queued if any file is invalid.") { paths };
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, () => SubmitAsync(context, parse.GetValue(paths)!, ct), ct);
        });
        return command;
    }

    private static async Task<int> SubmitAsync(CliContext context, string[] paths, CancellationToken cancellationToken)
    {
        var diagnostics = new List<OrchDiagnostic>();
        var settings = Engine.LoadSettings(context);
        diagnostics.AddRange(settings.Diagnostics);
        var loader = new JobLoader(new RepositoryPaths(context.RepositoryRoot), settings.Value?.Tools ?? ToolSettings.Empty);
        var specs = new List<JobSpec>();
        foreach (var file in ExpandPaths(paths, diagnostics))
        {
            var loaded = loader.Load(file);
            diagnostics.AddRange(loaded.Diagnostics);
            if (loaded.Value is not { } spec)
            {
                continue;
            }

            foreach (var name in JobSecrets.LiteralSecrets(spec))
            {
                diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.LiteralSecret, FindingSeverity.Error,
                    $"env.{name} holds a literal secret, and queued jobs are stored in the state database", file,
                    Hint: $"Write `{name}: ${{{name}}}` and export {name} in the worker's environment, or use `dotnet orch job run`."));
            }

            specs.Add(spec);
        }

        DiagnosticsPrinter.Print(context, diagnostics);
        if (diagnostics.Any(d => d.IsError) || specs.Count == 0)
        {
            if (specs.Count == 0 && !diagnostics.Any(d => d.IsError))
            {
                context.Error.WriteLine("error ORCH1012: no job files found (looked for *.json, *.yaml, *.yml)");
            }

            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, queued = Array.Empty<object>(), diagnostics = diagnostics.Select(DiagnosticsPrinter.Json) });
            }

            return ExitCodes.InvalidInput;
        }

        await using var store = await context.OpenStoreAsync(cancellationToken);
        var jobs = await store.EnqueueJobsAsync(null, specs, cancellationToken);
        if (context.Json)
        {
            JsonOutput.WriteLine(context.Out, new
            {
                schema_version = JsonOutput.SchemaVersion,
                queued = jobs.Select(j => new { job_id = j.Id, name = j.Spec.Name, tool = j.Spec.Tool, file = j.Spec.SourceFile }),
                diagnostics = diagnostics.Select(DiagnosticsPrinter.Json),
            });
        }
        else
        {
            foreach (var job in jobs)
            {
                context.Say($"{job.Id}  {job.Spec.Name}", Verbosity.Normal);
            }

            context.Say($"queued {jobs.Count} job(s); run `dotnet orch worker --drain` to work through them");
        }

        return ExitCodes.Ok;
    }

    private static IEnumerable<string> ExpandPaths(IEnumerable<string> paths, List<OrchDiagnostic> diagnostics)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path).Where(f => JobExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                             .Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
            else if (File.Exists(path))
            {
                yield return path;
            }
            else
            {
                diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.FileNotFound, FindingSeverity.Error, "no such file or folder", path,
                    Hint: "Check the path; it is resolved against the current folder."));
            }
        }
    }
}
