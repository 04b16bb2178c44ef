using System.CommandLine;
using Orch.Abstractions.Model;
using Orch.Cli.Hosting;
using Orch.Core.Jobs;
using Orch.Core.Queue;
using Orch.Core.Settings;

namespace Orch.Cli.Commands;

/// <summary>
/// <c>dotnet orch test [PROJECT]</c>: runs <c>dotnet test</c> with a TRX report, records every result — failures too,
/// which a hook after MSBuild's VSTest target never sees, because MSBuild skips it once the tests fail — and enforces
/// the RUNTIME gates.
/// </summary>
internal static class TestCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var project = new Argument<string?>("project") { Description = "The test project or solution. Default: the current folder's.", Arity = ArgumentArity.ZeroOrOne };
        var baseBranch = new Option<string>("--base-branch") { Description = "Tests that pass there must not fail now.", DefaultValueFactory = _ => "main" };
        var command = new Command("test", "Run dotnet test, record the results in the state database and check the gates.") { project, baseBranch };
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, async () =>
            {
                var target = Path.GetFullPath(parse.GetValue(project) ?? Environment.CurrentDirectory);
                var directory = Directory.Exists(target) ? target : Path.GetDirectoryName(target)!;
                context.UseRepository(RepositoryPaths.FindRoot(directory));
                var settings = Engine.LoadSettings(context).Value ?? ProjectSettings.Empty;
                await using var engine = await Engine.CreateAsync(context, settings, Verbosity.Normal, ct);
                var run = await engine.Store.CreateRunAsync("test", target, ct);
                var results = Path.Combine(context.RepositoryRoot, ".orch", "runs", run.Id, "trx");
                var spec = new JobSpec
                {
                    Name = $"dotnet test {Path.GetFileName(target)}",
                    Tool = "dotnet",
                    Command = UsesTestingPlatform(directory)
                        ? ["dotnet", "test", .. TargetArguments(target), "--report-trx", "--results-directory", results]
                        : ["dotnet", "test", target, "--logger", "trx", "--results-directory", results],
                    RepositoryRoot = context.RepositoryRoot,
                    WorkingDirectory = directory,
                    SuccessExitCodes = [],
                    Phase = "RUNTIME",
                    Timeout = settings.Tools.For("dotnet").Timeout,
                };
                var job = await engine.Store.StartJobAsync(run.Id, spec, OwnerIdentity.Direct(), ct);
                var outcome = await engine.Executor.ExecuteAsync(job, spec, ct);
                var trx = Directory.Exists(results) ? Directory.EnumerateFiles(results, "*.trx", SearchOption.AllDirectories).ToList() : [];
                if (trx.Count == 0)
                {
                    context.Error.WriteLine($"error ORCH1601: dotnet test wrote no TRX results ({outcome.Error ?? $"exit code {outcome.ExitCode}"}); see {outcome.LogFile}");
                    await engine.Store.FinishRunAsync(run.Id, RunStatus.Failed, "no test results", CancellationToken.None);
                    return ExitCodes.WorkFailed;
                }

                var (outcomes, gates, branch) = await TestGateReporter.RecordAsync(context, run, target, trx, parse.GetValue(baseBranch)!, context.Error, ct);
                var failed = outcomes.Count(o => o.Outcome == "failed");
                var ok = failed == 0 && gates.Passed;
                await engine.Store.FinishRunAsync(run.Id, ok ? RunStatus.Succeeded : RunStatus.Failed, ok ? null : gates.Passed ? "tests failed" : "test gate", CancellationToken.None);
                context.Say($"{outcomes.Count} test result(s) recorded ({failed} failed) on {branch} in run {run.Id}");
                return ok ? ExitCodes.Ok : ExitCodes.WorkFailed;
            }, ct);
        });
        return command;
    }

    /// <summary>
    /// True when global.json puts <c>dotnet test</c> in Microsoft.Testing.Platform mode, where VSTest's --logger does not
    /// exist and the TRX report is asked for with --report-trx.
    /// </summary>
    internal static bool UsesTestingPlatform(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var globalJson = Path.Combine(dir.FullName, "global.json");
            if (!File.Exists(globalJson))
            {
                continue;
            }

            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(globalJson), new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
                return json.RootElement.TryGetProperty("test", out var test) && test.TryGetProperty("runner", out var runner)
                       && string.Equals(runner.GetString(), "Microsoft.Testing.Platform", StringComparison.OrdinalIgnoreCase);
            }
            catch (System.Text.Json.JsonException)
            {
                return false;
            }
        }

        return false;
    }

    private static string[] TargetArguments(string target) =>
        Directory.Exists(target) ? []
        : target.EndsWith(".sln", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase) ? ["--solution", target]
        : ["--project", target];
}
