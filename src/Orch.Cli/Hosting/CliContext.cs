using System.CommandLine;
using Orch.Cli.Rendering;
using Orch.Core.Application;
using Spectre.Console;

namespace Orch.Cli.Hosting;

/// <summary>What every command needs from the command line and the environment: paths, output, format and verbosity.</summary>
internal sealed class CliContext
{
    public CliContext(ParseResult parse, GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        Out = stdout;
        Error = stderr;
        Format = parse.GetValue(options.Format);
        Verbosity = ParseVerbosity(parse.GetValue(options.Verbosity));
        var noColor = parse.GetValue(options.NoColor) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        RepositoryRoot = parse.GetValue(options.Repository) is { } repo ? Path.GetFullPath(repo) : OrchEngine.FindRepositoryRoot(Environment.CurrentDirectory);
        var database = parse.GetValue(options.Database);
        if (string.IsNullOrEmpty(database))
        {
            database = Environment.GetEnvironmentVariable("ORCH_DB");
        }

        _explicitDatabase = !string.IsNullOrEmpty(database);
        var events = parse.GetValue(options.EventsFile);
        EventsFile = string.IsNullOrEmpty(events) ? Environment.GetEnvironmentVariable("ORCH_EVENTS_FILE") is { Length: > 0 } env ? Path.GetFullPath(env) : null : Path.GetFullPath(events);
        DatabaseAddress = Core.Application.DatabaseAddress.Resolve(database, RepositoryRoot);
        _noColor = noColor;
    }

    private readonly bool _noColor;
    private IAnsiConsole? _console;

    // Made at first use: Spectre's start (terminal detection, its tables) costs tens of milliseconds that a command
    // printing plain lines or JSON should not pay. No field or lambda of Spectre's types is made before, so its assembly
    // is not even loaded until then.
    private IAnsiConsole MakeConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = _noColor ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = _noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (!ReferenceEquals(Out, System.Console.Out) || System.Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns when it cannot ask a terminal; ids alone are 28 wide.
            console.Profile.Width = 160;
        }

        return console;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Console => LazyInitializer.EnsureInitialized(ref _console, MakeConsole);

    public OutputFormat Format { get; }

    public Verbosity Verbosity { get; }

    private readonly bool _explicitDatabase;

    public string RepositoryRoot { get; private set; }

    /// <summary>The state database as given (a file, or a <c>postgres://</c> address with its password): for the engine only.</summary>
    public string DatabaseAddress { get; private set; }

    /// <summary>The state database as messages name it: a server's address without its password.</summary>
    public string DatabasePath => Core.Application.DatabaseAddress.Display(DatabaseAddress);

    /// <summary>Points the command at another repository (the demo's), with its own default database unless --db or ORCH_DB named one.</summary>
    public void UseRepository(string root)
    {
        RepositoryRoot = root;
        if (!_explicitDatabase)
        {
            DatabaseAddress = Core.Application.DatabaseAddress.Resolve(null, root);
        }
    }

    public TimeProvider Time { get; } = TimeProvider.System;

    public bool Json => Format == OutputFormat.Json;

    /// <summary>True when stdout is this process's own terminal, not a pipe, a file or a test's writer.</summary>
    public bool IsTerminal => ReferenceEquals(Out, System.Console.Out) && !System.Console.IsOutputRedirected;

    /// <summary>A live view (run, resume on a terminal) that takes the place of the line-by-line console output; set before <see cref="BuildEngine"/>.</summary>
    public Orch.Abstractions.Events.IEventSink? LiveView { get; set; }

    /// <summary>
    /// Builds the engine for this command's repository and database, with the console (and, with --events-file, a JSONL
    /// export) as event sinks. <paramref name="jobDetail"/> is the verbosity at which per-job lines and tool output show:
    /// normal for <c>job run</c>, detailed for workers, diagnostic inside plan runs.
    /// </summary>
    public OrchEngine BuildEngine(Verbosity jobDetail = Verbosity.Diagnostic)
    {
        var builder = new OrchEngineBuilder().ForRepository(RepositoryRoot).UseDatabase(DatabaseAddress).UseTimeProvider(Time)
            .UseJobSupervisor(OrchCli.JobSupervisorCommand)
            .AddEventSink(LiveView ?? new ConsoleEventSink(this, jobDetail == Verbosity.Normal ? Verbosity.Normal : Verbosity.Detailed))
            // A broken plugin is reported and left out; the command goes on without it.
            .OnPluginProblem(problem => Error.WriteLine($"warning: plugin {problem.DisplayName.Trim()} {problem.Reason}"));
        if (EventsFile is { } file)
        {
            builder.ExportEventsTo(file);
        }

        if (!Json && Verbosity >= jobDetail)
        {
            builder.OnToolOutput((jobId, line) =>
            {
                lock (Out)
                {
                    Out.WriteLine(jobDetail >= Verbosity.Detailed ? $"  {jobId}| {line}" : $"  | {line}");
                }
            });
        }

        return builder.Build();
    }

    /// <summary>Builds the engine, runs <paramref name="command"/> with it, and disposes it.</summary>
    public async Task<int> WithEngineAsync(Func<OrchEngine, Task<int>> command, Verbosity jobDetail = Verbosity.Diagnostic)
    {
        await using var engine = BuildEngine(jobDetail);
        return await command(engine);
    }

    /// <summary>Prints a use case's refusal as <c>error CODE: message</c> with its hint; returns the invalid-input exit code.</summary>
    public int Fail(OrchError error)
    {
        Error.WriteLine(error.Code is null ? $"error: {error.Message}" : $"error {error.Code}: {error.Message}");
        if (error.Hint is not null)
        {
            Error.WriteLine($"  hint: {error.Hint}");
        }

        return ExitCodes.InvalidInput;
    }

    /// <summary>The file every event is also appended to (--events-file or ORCH_EVENTS_FILE), or <see langword="null"/>.</summary>
    public string? EventsFile { get; }

    /// <summary>Writes a line for people: to stdout in console format, to stderr in JSON format so stdout stays parseable.</summary>
    public void Say(string line, Verbosity level = Verbosity.Minimal)
    {
        if (Verbosity >= level)
        {
            (Json ? Error : Out).WriteLine(line);
        }
    }

    private static Verbosity ParseVerbosity(string? text) => text?.ToLowerInvariant() switch
    {
        "q" or "quiet" => Verbosity.Quiet,
        "m" or "minimal" => Verbosity.Minimal,
        "d" or "detailed" => Verbosity.Detailed,
        "diag" or "diagnostic" => Verbosity.Diagnostic,
        _ => Verbosity.Normal,
    };
}
