using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Core.Application;

namespace Orch.Cli.Commands;

/// <summary>
/// <c>dotnet orch test-results DIR --project P</c>: records the newest TRX in DIR in the state database and enforces the
/// RUNTIME gates; a failed gate prints MSBuild error lines and exits 1, which fails the build.
/// </summary>
internal static class TestResultsCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string>("trx-folder") { Description = "Where the test run wrote its TRX file." };
        var project = new Option<string>("--project") { Description = "The test project.", Required = true };
        var baseBranch = new Option<string?>("--base-branch") { Description = "Tests that pass there must not fail now. Default: the repository's default branch (origin/HEAD, else main or master)." };
        var command = new Command("test-results", "Record test results and check the gates (no regression against the base branch, no new flaky test).") { folder, project, baseBranch };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            var projectPath = Path.GetFullPath(parse.GetValue(project)!);
            context.UseRepository(OrchEngine.FindRepositoryRoot(projectPath));
            await using var engine = context.BuildEngine();
            var result = await engine.Checks.RecordTestResultsAsync(parse.GetValue(folder)!, projectPath, parse.GetValue(baseBranch), ct);
            if (result is null)
            {
                context.Error.WriteLine($"{projectPath}: warning ORCH1601: no TRX results in {parse.GetValue(folder)}; the RUNTIME gates did not run");
                return ExitCodes.Ok;
            }

            // MSBuild's Exec reads canonical error lines from standard output.
            TestCommand.PrintGates(result, context.Out);
            context.Say($"recorded {result.Outcomes.Count} test result(s) of {Path.GetFileName(projectPath)} on {result.Branch} ({result.RunId})");
            return result.Gates.Passed ? ExitCodes.Ok : ExitCodes.WorkFailed;
        });
        return command;
    }
}
