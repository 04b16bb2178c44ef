using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Core.Jobs;

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
        var baseBranch = new Option<string>("--base-branch") { Description = "Tests that pass there must not fail now.", DefaultValueFactory = _ => "main" };
        var command = new Command("test-results", "Record test results and check the gates (no regression against the base branch, no new flaky test).") { folder, project, baseBranch };
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, async () =>
            {
                var projectPath = Path.GetFullPath(parse.GetValue(project)!);
                context.UseRepository(RepositoryPaths.FindRoot(Path.GetDirectoryName(projectPath)!));
                var trx = Directory.Exists(parse.GetValue(folder)!)
                    ? Directory.EnumerateFiles(parse.GetValue(folder)!, "*.trx", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
                    : null;
                if (trx is null)
                {
                    context.Error.WriteLine($"{projectPath}: warning ORCH1601: no TRX results in {parse.GetValue(folder)}; the RUNTIME gates did not run");
                    return ExitCodes.Ok;
                }

                await using (var store = await context.OpenStoreAsync(ct))
                {
                    var run = await store.CreateRunAsync("msbuild-runtime", projectPath, ct);
                    // MSBuild's Exec reads canonical error lines from standard output.
                    var (outcomes, gates, branch) = await TestGateReporter.RecordAsync(context, run, projectPath, [trx], parse.GetValue(baseBranch)!, context.Out, ct);
                    await store.FinishRunAsync(run.Id, gates.Passed ? Abstractions.Model.RunStatus.Succeeded : Abstractions.Model.RunStatus.Failed,
                        gates.Passed ? null : "test gate", CancellationToken.None);
                    context.Say($"recorded {outcomes.Count} test result(s) of {Path.GetFileName(projectPath)} on {branch} ({run.Id})");
                    return gates.Passed ? ExitCodes.Ok : ExitCodes.WorkFailed;
                }
            }, ct);
        });
        return command;
    }
}
