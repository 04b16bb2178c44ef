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

    public static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("Orch runs AI coding tools, analyzers and tests as resilient, recorded work.");
        options.AddTo(root);

        var job = new Command("job", "Run and queue single jobs.")
        {
            JobRunCommand.Create(options, stdout, stderr),
            JobSubmitCommand.Create(options, stdout, stderr),
            JobListCommand.Create(options, stdout, stderr),
        };
        root.Subcommands.Add(job);
        root.Subcommands.Add(PlanCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(RunCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(ResumeCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(CancelCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(DemoCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(CleanupCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(CostsCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(ToolsCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(MigrateCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(ValidateCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(ConvertCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(ImportConfigCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(BootstrapCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(ProfilesCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(PluginCommand.Create(options, stdout, stderr));
        // What Orch.MSBuild calls: documented for it, kept out of the list people read.
        root.Subcommands.Add(Hide(StaticCommand.Create(options, stdout, stderr)));
        root.Subcommands.Add(Hide(TestResultsCommand.Create(options, stdout, stderr)));
        root.Subcommands.Add(Hide(RunWorkstreamCommand.Create(options, stdout, stderr)));
        root.Subcommands.Add(TestCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(WorkerCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(StatusCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(EventsCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(FindingsCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(LogsCommand.Create(options, stdout, stderr));
        root.Subcommands.Add(UiCommand.Create(options, stdout, stderr));
        return root;
    }

    private static Command Hide(Command command)
    {
        command.Hidden = true;
        return command;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = Build(stdout, stderr);
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
