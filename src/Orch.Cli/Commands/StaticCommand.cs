using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Core.Application;

namespace Orch.Cli.Commands;

/// <summary>
/// <c>dotnet orch static --project P --out F</c>: the STATIC check the MSBuild package runs after Build. It reports what
/// the profile's autofixers would change (their verify mode: no file is touched), records the run and its findings, and
/// writes them as JSON for the build to print as diagnostics.
/// </summary>
internal static class StaticCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var project = new Option<string>("--project") { Description = "The project or solution to check.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the findings JSON (obj/orch/static.json in a build).", Required = true };
        var command = new Command("static", "Check a project without changing it and write the findings for MSBuild.") { project, output };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            var projectPath = parse.GetValue(project)!;
            context.UseRepository(OrchEngine.FindRepositoryRoot(projectPath));
            await using var engine = context.BuildEngine();
            var result = await engine.Checks.RunStaticAsync(projectPath, parse.GetValue(output)!, ct);
            context.Say($"{result.Findings.Count} finding(s) written to {result.OutputFile}", Verbosity.Normal);
            return ExitCodes.Ok;
        });
        return command;
    }
}
