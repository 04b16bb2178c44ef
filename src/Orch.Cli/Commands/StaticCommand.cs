using System.CommandLine;
using System.Text.Json;
using Orch.Abstractions.Model;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Jobs;
using Orch.Core.Queue;
using Orch.Core.Serialization;

namespace Orch.Cli.Commands;

/// <summary>
/// <c>dotnet orch static --project P --out F</c>: the STATIC check the MSBuild package runs after Build. It reports what
/// <c>dotnet format</c> would change (verify only: no file is touched), records the run and its findings, and writes them
/// as JSON for the build to print as diagnostics.
/// </summary>
internal static class StaticCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var project = new Option<string>("--project") { Description = "The project or solution to check.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the findings JSON (obj/orch/static.json in a build).", Required = true };
        var command = new Command("static", "Check a project without changing it and write the findings for MSBuild.") { project, output };
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, async () =>
            {
                var projectPath = Path.GetFullPath(parse.GetValue(project)!);
                var target = Path.GetFullPath(parse.GetValue(output)!);
                var projectDirectory = Path.GetDirectoryName(projectPath)!;
                context.UseRepository(RepositoryPaths.FindRoot(projectDirectory));
                var settings = Engine.LoadSettings(context);
                await using var engine = await Engine.CreateAsync(context, settings.Value ?? Core.Settings.ProjectSettings.Empty, Verbosity.Diagnostic, ct);
                var run = await engine.Store.CreateRunAsync("msbuild-static", projectPath, ct);
                var spec = new JobSpec
                {
                    Name = $"static {Path.GetFileName(projectPath)}",
                    Tool = "dotnet",
                    Command = ["dotnet", "format", projectPath, "--verify-no-changes", "--no-restore"],
                    RepositoryRoot = context.RepositoryRoot,
                    WorkingDirectory = projectDirectory,
                    SuccessExitCodes = [],
                    Phase = "STATIC",
                    Timeout = TimeSpan.FromMinutes(5),
                };
                var job = await engine.Store.StartJobAsync(run.Id, spec, OwnerIdentity.Direct(), ct);
                var outcome = await engine.Executor.ExecuteAsync(job, spec, ct);
                var findings = outcome.Findings.Select(f => new
                {
                    file = f.File is null ? null : Path.IsPathFullyQualified(f.File) ? f.File : Path.GetFullPath(Path.Combine(projectDirectory, f.File)),
                    line = f.Line,
                    column = f.Column,
                    code = f.Code,
                    message = f.Message,
                    severity = OrchJson.EnumText(f.Severity),
                    orch_code = "ORCH1501",
                }).ToList();
                if (outcome.Status != JobStatus.Succeeded)
                {
                    findings.Add(new { file = (string?)projectPath, line = (int?)null, column = (int?)null, code = (string?)"ORCH1502",
                        message = $"dotnet format could not check the project: {outcome.Error}", severity = "warning", orch_code = "ORCH1502" });
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, JsonSerializer.Serialize(new { schema_version = JsonOutput.SchemaVersion, run_id = run.Id, findings }, OrchJson.Indented), ct);
                await engine.Store.FinishRunAsync(run.Id, findings.Count == 0 ? Abstractions.Model.RunStatus.Succeeded : Abstractions.Model.RunStatus.Failed,
                    findings.Count == 0 ? null : "findings", CancellationToken.None);
                context.Say($"{findings.Count} finding(s) written to {target}", Verbosity.Normal);
                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }
}
