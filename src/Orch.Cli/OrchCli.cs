using System.CommandLine;
using Orch.Cli.Commands;
using Orch.Cli.Hosting;

namespace Orch.Cli;

/// <summary>The <c>dotnet orch</c> command tree. Hosts and tests call <see cref="RunAsync"/> with their own writers.</summary>
public static class OrchCli
{
    /// <summary>
    /// How to start this executable as a worker's job supervisor; set by the entry point only, since a host that runs
    /// the CLI in its own process (a test) is not Orch's executable. <see langword="null"/>: a shell around each job.
    /// </summary>
    public static IReadOnlyList<string>? JobSupervisorCommand { get; set; }

    // The top-level commands in the order help lists them. Each is made only when needed: making all of them costs
    // about 10 ms at start, which a command that names itself first (`dotnet orch status`) does not pay.
    private static readonly (string Name, Func<GlobalOptions, TextWriter, TextWriter, Command> Create)[] Commands =
    [
        ("job", (o, stdout, stderr) => new Command("job", "Run and queue single jobs.")
        {
            JobRunCommand.Create(o, stdout, stderr),
            JobSubmitCommand.Create(o, stdout, stderr),
            JobListCommand.Create(o, stdout, stderr),
        }),
        ("plan", PlanCommand.Create),
        ("run", RunCommand.Create),
        ("resume", ResumeCommand.Create),
        ("cancel", CancelCommand.Create),
        ("demo", DemoCommand.Create),
        ("cleanup", CleanupCommand.Create),
        ("costs", CostsCommand.Create),
        ("tools", ToolsCommand.Create),
        ("migrate", MigrateCommand.Create),
        ("validate", ValidateCommand.Create),
        ("convert", ConvertCommand.Create),
        ("import-config", ImportConfigCommand.Create),
        ("bootstrap", BootstrapCommand.Create),
        ("profiles", ProfilesCommand.Create),
        ("plugin", PluginCommand.Create),
        // What Orch.MSBuild calls: documented for it, kept out of the list people read.
        ("static", (o, stdout, stderr) => Hide(StaticCommand.Create(o, stdout, stderr))),
        ("test-results", (o, stdout, stderr) => Hide(TestResultsCommand.Create(o, stdout, stderr))),
        ("run-workstream", (o, stdout, stderr) => Hide(RunWorkstreamCommand.Create(o, stdout, stderr))),
        ("test", TestCommand.Create),
        ("worker", WorkerCommand.Create),
        ("status", StatusCommand.Create),
        ("events", EventsCommand.Create),
        ("findings", FindingsCommand.Create),
        ("logs", LogsCommand.Create),
        ("ui", UiCommand.Create),
    ];

    /// <summary>The whole command tree.</summary>
    public static RootCommand Build(TextWriter stdout, TextWriter stderr) => Build(stdout, stderr, []);

    /// <summary>
    /// The command tree for <paramref name="args"/>: when they start with a command's name, the root holds that command
    /// alone (it parses the same), and for <c>--version</c> alone, none; otherwise (help, an option first, a misspelt
    /// command) every command, so that help lists them all and a typo gets its suggestion.
    /// </summary>
    public static RootCommand Build(TextWriter stdout, TextWriter stderr, IReadOnlyList<string> args)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("Orch runs AI coding tools, analyzers and tests as resilient, recorded work.");
        options.AddTo(root);
        var named = args.Count > 0 ? Array.FindIndex(Commands, c => string.Equals(c.Name, args[0], StringComparison.Ordinal)) : -1;
        if (named >= 0)
        {
            root.Subcommands.Add(Commands[named].Create(options, stdout, stderr));
            return root;
        }

        if (args is ["--version"])
        {
            return root;
        }

        foreach (var (name, create) in Commands)
        {
            var command = create(options, stdout, stderr);
            if (!string.Equals(command.Name, name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The command '{command.Name}' is listed as '{name}'.");
            }

            root.Subcommands.Add(command);
        }

        return root;
    }

    private static Command Hide(Command command)
    {
        command.Hidden = true;
        return command;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = Build(stdout, stderr, args);
        // No command at all: show what there is, as `dotnet` does.
        var parse = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var message in ParseErrors.Describe(parse))
            {
                await stderr.WriteLineAsync($"error: {message}");
            }

            await stderr.WriteLineAsync("  hint: run `dotnet orch --help` (or `dotnet orch COMMAND --help`) for usage.");
            return ExitCodes.InvalidInput;
        }

        if (parse.Action is System.CommandLine.Help.HelpAction)
        {
            using var help = new StringWriter();
            // A command kept out of the list still has its own help.
            var shown = parse.CommandResult.Command;
            var hidden = shown.Hidden;
            shown.Hidden = false;
            var exit = await parse.InvokeAsync(new InvocationConfiguration { Output = help, Error = stderr }, cancellationToken);
            shown.Hidden = hidden;
            await stdout.WriteAsync(HelpText.Fix(help.ToString(), root));
            return exit;
        }

        // The host handles termination signals itself (Program, TerminationSignals), so that each has its own exit code.
        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null }, cancellationToken);
    }
}
