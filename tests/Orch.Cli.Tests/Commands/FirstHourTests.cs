using System.CommandLine;
using System.Text.RegularExpressions;
using Orch.Cli.Rendering;
using Orch.Testing;
using Spectre.Console;

namespace Orch.Cli.Tests.Commands;

/// <summary>What a new user meets in the first hour: help, mistakes on the command line, and read-only commands in an empty folder.</summary>
[TestClass]
public sealed partial class FirstHourTests
{
    // The exit codes the README documents.
    private static readonly int[] Documented = [0, 1, 2, 3, 4, 129, 130, 143];

    private static async Task<(int Exit, string Out, string Err)> RunAsync(TempDirectory dir, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await OrchCli.RunAsync([.. args, "--repo", dir.Path, "--db", dir.Combine(".orch", "state.db"), "--no-color"], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static IEnumerable<string[]> CommandPaths(Command command, string[] path)
    {
        yield return path;
        foreach (var sub in command.Subcommands)
        {
            foreach (var nested in CommandPaths(sub, [.. path, sub.Name]))
            {
                yield return nested;
            }
        }
    }

    private static void AssertClean(string text, string what)
    {
        Assert.IsFalse(StackFrame().IsMatch(text), $"{what} shows a stack trace:\n{text}");
        Assert.IsFalse(text.Contains("Exception", StringComparison.Ordinal), $"{what} names an exception:\n{text}");
        Assert.IsFalse(DotnetTypeName().IsMatch(text), $"{what} names a .NET type ({DotnetTypeName().Match(text).Value}):\n{text}");
    }

    [TestMethod]
    public async Task Help_OfEveryCommand_SaysDotnetOrchAndSpellsValuesAsTheDocsDo()
    {
        using var dir = new TempDirectory();
        var root = OrchCli.Build(TextWriter.Null, TextWriter.Null);

        foreach (var path in CommandPaths(root, []))
        {
            var (exit, output, error) = await RunAsync(dir, [.. path, "--help"]);

            var what = $"`dotnet orch {string.Join(' ', path)} --help`";
            Assert.AreEqual(0, exit, $"{what}: {error}");
            StringAssert.Contains(output, $"  dotnet orch{(path.Length == 0 ? "" : " " + string.Join(' ', path))}", $"{what} usage");
            Assert.IsFalse(output.Contains("Orch.Cli", StringComparison.Ordinal), $"{what} names the assembly:\n{output}");
            Assert.IsFalse(PascalCaseChoice().IsMatch(output), $"{what} lists values in .NET case: {PascalCaseChoice().Match(output).Value}");
            AssertClean(output + error, what);
        }
    }

    [TestMethod]
    public async Task Help_OfTheRoot_ShowsOptionalArgumentsAsOptionalAndKeepsMsBuildCommandsOut()
    {
        using var dir = new TempDirectory();

        var (_, help, _) = await RunAsync(dir, "--help");

        StringAssert.Contains(help, "status [<id>]");
        StringAssert.Contains(help, "costs [<run-id>]");
        StringAssert.Contains(help, "events [<id>]");
        Assert.IsFalse(Regex.IsMatch(help, @"(?m)^  (static|test-results)\b"), "the commands Orch.MSBuild calls are not in the list people read:\n" + help);
        var (exit, _, _) = await RunAsync(dir, "static", "--help");
        Assert.AreEqual(0, exit, "hidden, not gone: Orch.MSBuild still calls it");
    }

    [TestMethod]
    [DataRow("job list --status bogus", "'bogus' is not a job status")]
    [DataRow("job list --status timed-out", "did you mean 'timed_out'?")]
    [DataRow("job list --status TimedOut", "")]
    [DataRow("status --format xml", "'xml' is not an output format")]
    [DataRow("job list --limit abc", "--limit takes a whole number, not 'abc'")]
    [DataRow("run plan.yaml --parallel 0", "--parallel must be between 1 and 256, not 0")]
    [DataRow("worker --parallel -3", "--parallel must be between 1 and 256")]
    [DataRow("run plan.yaml --budget abc", "--budget takes dollars")]
    [DataRow("events --after x", "whole number")]
    [DataRow("runn", "did you mean 'run'?")]
    [DataRow("job lsit", "did you mean 'list'?")]
    [DataRow("job list --stauts failed", "did you mean '--status'?")]
    [DataRow("resume no-such-run", "no plan run 'no-such-run'")]
    [DataRow("job run .", "this is a folder")]
    [DataRow("costs no-such-run", "")]
    [DataRow("plan missing.yaml", "no such file")]
    public async Task WrongInvocation_SaysWhatIsWrongWithoutAStackTraceAndWithADocumentedExitCode(string commandLine, string expected)
    {
        using var dir = new TempDirectory();

        var (exit, output, error) = await RunAsync(dir, commandLine.Split(' '));

        CollectionAssert.Contains(Documented, exit, $"`{commandLine}` exited {exit}");
        Assert.AreNotEqual(0, exit, $"`{commandLine}` must fail");
        AssertClean(output + error, $"`{commandLine}`");
        StringAssert.Contains(output + error, expected, $"`{commandLine}`");
    }

    [TestMethod]
    public async Task NoCommand_ShowsHelpInsteadOfAnError()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await OrchCli.RunAsync([], stdout, stderr);

        Assert.AreEqual(0, exit, stderr.ToString());
        StringAssert.Contains(stdout.ToString(), "dotnet orch [command] [options]");
    }

    [TestMethod]
    [DataRow("status")]
    [DataRow("events")]
    [DataRow("costs")]
    [DataRow("job list")]
    [DataRow("status --format json")]
    public async Task ReadOnlyCommand_InAFolderWhereNothingRan_CreatesNoDatabase(string commandLine)
    {
        using var dir = new TempDirectory();

        var (exit, _, error) = await RunAsync(dir, commandLine.Split(' '));

        Assert.AreEqual(0, exit, error);
        // TempDirectory makes an empty .orch/ to stop the root search; nothing may appear in it.
        var made = Directory.EnumerateFileSystemEntries(dir.Combine(".orch"), "*", SearchOption.AllDirectories).ToList();
        Assert.IsEmpty(made, $"`{commandLine}` wrote in a folder where nothing ran: {string.Join(", ", made)}");
    }

    [TestMethod]
    [DataRow("status")]
    [DataRow("status --format json")]
    [DataRow("job list")]
    [DataRow("events")]
    [DataRow("job run JOB")]
    public async Task AnyCommand_WhenTheDatabaseIsAFolder_SaysSoInsteadOfReportingNothingOrReadOnly(string commandLine)
    {
        using var dir = new TempDirectory();
        dir.Write("job.yaml", "id: j\ncommand: [\"true\"]\n");
        var folder = dir.Combine("state");
        Directory.CreateDirectory(folder);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await OrchCli.RunAsync([.. commandLine.Replace("JOB", dir.Combine("job.yaml"), StringComparison.Ordinal).Split(' '), "--repo", dir.Path, "--db", folder, "--no-color"],
            stdout, stderr);

        Assert.AreEqual(2, exit, $"`{commandLine}`: {stdout}{stderr}");
        StringAssert.Contains(stderr.ToString(), $"error ORCH2001: {folder} is a folder, not a database file");
        StringAssert.Contains(stderr.ToString(), Path.Combine(folder, "state.db"), "the hint names a file to use instead");
        AssertClean(stdout.ToString() + stderr, $"`{commandLine}`");
        Assert.IsEmpty(Directory.EnumerateFileSystemEntries(folder).ToList(), "nothing is made in the folder");
    }

    [TestMethod]
    [DataRow(80)]
    [DataRow(100)]
    public void Table_AtANarrowTerminal_NeverBreaksAnId(int width)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = width;
        var table = Tables.New("job", "name", "tool", "status", "attempts", "exit", "queued");
        var ids = new[] { "job-20261125-181602-9f3a2c1b7e", "job-20261125-181603-0c4d5e6f7a" };
        foreach (var id in ids)
        {
            table.AddRow(id, "a rather long job name that has to wrap somewhere in a narrow terminal", "dotnet", "timed_out", "3", "", "2026-11-25 18:16:02");
        }

        Tables.Write(console, table);

        foreach (var id in ids)
        {
            StringAssert.Contains(output.ToString(), id, $"at {width} columns the id was split:\n{output}");
        }

        StringAssert.Contains(output.ToString(), "2026-11-25 18:16:02");
    }

    [TestMethod]
    [DataRow("status")]
    [DataRow("status run-1 --watch --interval 0.5 -v diag --format json")]
    [DataRow("job list --status timed-out --limit 3")]
    [DataRow("job lsit")]
    [DataRow("run plan.yaml --parallel 0 --budget abc")]
    [DataRow("worker --drain --parallel 2 -v q")]
    [DataRow("status --no-such-option")]
    [DataRow("--version")]
    [DataRow("-v q status")]
    public void Build_ForTheArgumentsGiven_ParsesThemAsTheWholeTreeDoes(string commandLine)
    {
        var args = commandLine.Split(' ');
        var whole = OrchCli.Build(TextWriter.Null, TextWriter.Null).Parse(args);

        var made = OrchCli.Build(TextWriter.Null, TextWriter.Null, args);
        var parse = made.Parse(args);

        Assert.AreEqual(Describe(whole), Describe(parse), commandLine);
        if (args[0] is "status" or "job" or "run" or "worker")
        {
            Assert.HasCount(1, made.Subcommands, "a command named first is the only one made");
        }
    }

    private static string Describe(ParseResult parse)
    {
        var path = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            path.Insert(0, result.Command.Name);
        }

        var values = parse.CommandResult.Command.Options.Concat(parse.RootCommandResult.Command.Options).Where(o => parse.GetResult(o) is not null)
            .Select(o => $"{o.Name}={string.Join(',', parse.GetResult(o)!.Tokens.Select(t => t.Value))}");
        return $"{string.Join(' ', path.Skip(1))} | {string.Join("; ", parse.Errors.Select(e => e.Message))} | {string.Join("; ", values.Order(StringComparer.Ordinal))}" +
               $" | {string.Join(' ', parse.UnmatchedTokens)} | {parse.Action?.GetType().Name}";
    }

    [TestMethod]
    public void TextTable_PadsEachColumnToItsWidestCell_PrintsCellsAsTheyAre_AndLeavesNoTrailingSpaces()
    {
        var output = new StringWriter();

        new TextTable("run", "kind", "finished")
            .AddRow("run-20261126-111012-ad235cd8", "[plan]", "2026-11-26 11:10:13")
            .AddRow("run-2", "job", "")
            .Write(output);

        var lines = output.ToString().Split(Environment.NewLine);
        CollectionAssert.AreEqual(new[]
        {
            "",
            "  run                            kind     finished",
            " " + new string('─', 28 + 6 + 19 + 9),
            "  run-20261126-111012-ad235cd8   [plan]   2026-11-26 11:10:13",
            "  run-2                          job",
            "",
            "",
        }, lines, output.ToString());
        Assert.ThrowsExactly<ArgumentException>(() => new TextTable("a", "b").AddRow("only one"));
    }

    [TestMethod]
    public async Task Status_WithRuns_ListsTheLatestTenNewestFirst_WithTheirKindStatusAndTimes()
    {
        using var dir = new TempDirectory();
        var ids = new List<string>();
        await using (var store = await Orch.Core.Storage.Sqlite.SqliteStateStore.OpenAsync(dir.Combine(".orch", "state.db"), new MinuteClock(), CancellationToken.None))
        {
            for (var i = 0; i < 12; i++)
            {
                var run = await store.CreateRunAsync(i == 11 ? "[plan]" : "job", null, CancellationToken.None);
                ids.Add(run.Id);
                if (i == 11)
                {
                    await store.FinishRunAsync(run.Id, Orch.Core.Storage.RunStatus.Failed, "budget", CancellationToken.None);
                }
            }
        }

        var (exit, output, error) = await RunAsync(dir, "status");

        Assert.AreEqual(0, exit, error);
        StringAssert.Contains(output, "jobs: none");
        var rows = output.Split('\n').Where(l => l.StartsWith("  run-", StringComparison.Ordinal)).ToList();
        Assert.HasCount(10, rows, output);
        StringAssert.StartsWith(rows[0], $"  {ids[11]}   [plan]   failed ", output);
        Assert.IsFalse(rows.Any(r => r.Contains(ids[0], StringComparison.Ordinal) || r.Contains(ids[1], StringComparison.Ordinal)), "only the latest ten");
        StringAssert.Contains(output, "  run      ", "the header");
    }

    // Each reading a minute later, so that runs made in one millisecond still have an order.
    private sealed class MinuteClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddMinutes(1);
    }

    [GeneratedRegex(@"(?m)^\s+at \S+\(|\bat [A-Z]\w+(\.\w+)+\(")]
    private static partial Regex StackFrame();

    [GeneratedRegex(@"\b(System|Orch)\.[A-Z][A-Za-z]+(\.[A-Z][A-Za-z0-9`\[\]]+)+")]
    private static partial Regex DotnetTypeName();

    [GeneratedRegex(@"<[A-Z][a-z]+[A-Z]?[a-z]*\|[A-Z]")]
    private static partial Regex PascalCaseChoice();
}
