using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Core.Application;

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
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            var target = Path.GetFullPath(parse.GetValue(project) ?? Environment.CurrentDirectory);
            context.UseRepository(OrchEngine.FindRepositoryRoot(target));
            await using var engine = context.BuildEngine(Verbosity.Normal);
            var result = await engine.Checks.RunTestsAsync(target, parse.GetValue(baseBranch)!, ct);
            if (result.Error is { } error)
            {
                context.Error.WriteLine($"error {error.Code}: {error.Message}");
                return ExitCodes.WorkFailed;
            }

            PrintGates(result, context.Error);
            context.Say($"{result.Outcomes.Count} test result(s) recorded ({result.Failed} failed) on {result.Branch} in run {result.RunId}");
            return result.Passed ? ExitCodes.Ok : ExitCodes.WorkFailed;
        });
        return command;
    }

    /// <summary>A failed gate as MSBuild error lines: ORCH1602 for a regression, ORCH1603 for a new flaky test.</summary>
    internal static void PrintGates(TestRunResult result, TextWriter writer)
    {
        foreach (var regression in result.Gates.Regressions)
        {
            writer.WriteLine($"{result.Project}: error ORCH1602: {regression}");
        }

        foreach (var flaky in result.Gates.Flaky)
        {
            writer.WriteLine($"{result.Project}: error ORCH1603: new flaky test: {flaky}");
        }
    }
}
