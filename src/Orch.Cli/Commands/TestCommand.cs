using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Core.Application;

namespace Orch.Cli.Commands;

/// <summary>
/// <c>dotnet orch test [PROJECT]</c>: runs each test project the way its platform (VSTest or Microsoft.Testing.Platform) must be run, records every result — failures too,
/// which a hook after MSBuild's VSTest target never sees, because MSBuild skips it once the tests fail — and enforces
/// the RUNTIME gates.
/// </summary>
internal static class TestCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var project = new Argument<string?>("project") { Description = "The test project or solution. Default: the current folder's.", Arity = ArgumentArity.ZeroOrOne };
        var baseBranch = new Option<string?>("--base-branch") { Description = "Tests that pass there must not fail now. Default: the repository's default branch (origin/HEAD, else main or master)." };
        var command = new Command("test", "Run the tests (VSTest and Microsoft.Testing.Platform), record the results in the state database and check the gates.") { project, baseBranch };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            var target = Path.GetFullPath(parse.GetValue(project) ?? Environment.CurrentDirectory);
            context.UseRepository(OrchEngine.FindRepositoryRoot(target));
            await using var engine = context.BuildEngine(Verbosity.Normal);
            var result = await engine.Checks.RunTestsAsync(target, parse.GetValue(baseBranch), ct);
            if (result.Error is { } error)
            {
                context.Error.WriteLine($"error {error.Code}: {error.Message}");
                return ExitCodes.WorkFailed;
            }

            PrintGates(result, context.Error);
            var totals = result.Totals;
            context.Say($"{totals.Total} test(s): {totals.Passed} passed, {totals.Failed} failed, {totals.Skipped} skipped; recorded on {result.Branch} in run {result.RunId}");
            if (result.Gates.Baseline.Count > 0)
            {
                context.Say($"{result.Gates.Baseline.Count} failing test(s) fail on {result.BaseBranch} too and were left alone: {string.Join(", ", result.Gates.Baseline)}");
            }
            return result.Passed ? ExitCodes.Ok : ExitCodes.WorkFailed;
        });
        return command;
    }

    /// <summary>A failed gate as MSBuild error lines: ORCH1602 for a regression, ORCH1603 for a new flaky test.</summary>
    internal static void PrintGates(TestRunResult result, TextWriter writer)
    {
        foreach (var warning in result.Warnings)
        {
            writer.WriteLine($"{result.Project}: warning ORCH1605: {warning}");
        }

        foreach (var regression in result.Gates.Regressions)
        {
            writer.WriteLine($"{regression.Origin(result.Project)}: error ORCH1602: {regression.Message}");
        }

        foreach (var flaky in result.Gates.Flaky)
        {
            writer.WriteLine($"{flaky.Origin(result.Project)}: error ORCH1603: new flaky test: {flaky.Message}");
        }
    }
}
