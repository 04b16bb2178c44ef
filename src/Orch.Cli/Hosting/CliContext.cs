using System.CommandLine;
using Orch.Core.Jobs;
using Orch.Core.State;
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
        RepositoryRoot = parse.GetValue(options.Repository) is { } repo ? Path.GetFullPath(repo) : RepositoryPaths.FindRoot(Environment.CurrentDirectory);
        var database = parse.GetValue(options.Database);
        if (string.IsNullOrEmpty(database))
        {
            database = Environment.GetEnvironmentVariable("ORCH_DB");
        }

        _explicitDatabase = !string.IsNullOrEmpty(database);
        DatabasePath = string.IsNullOrEmpty(database) ? Path.Combine(RepositoryRoot, ".orch", "state.db") : Path.GetFullPath(database);
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = noColor ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (!ReferenceEquals(stdout, System.Console.Out) || System.Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns when it cannot ask a terminal; ids alone are 28 wide.
            Console.Profile.Width = 160;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Console { get; }

    public OutputFormat Format { get; }

    public Verbosity Verbosity { get; }

    private readonly bool _explicitDatabase;

    public string RepositoryRoot { get; private set; }

    public string DatabasePath { get; private set; }

    /// <summary>Points the command at another repository (the demo's), with its own default database unless --db or ORCH_DB named one.</summary>
    public void UseRepository(string root)
    {
        RepositoryRoot = root;
        if (!_explicitDatabase)
        {
            DatabasePath = Path.Combine(root, ".orch", "state.db");
        }
    }

    public TimeProvider Time { get; } = TimeProvider.System;

    public bool Json => Format == OutputFormat.Json;

    public Task<SqliteStateStore> OpenStoreAsync(CancellationToken cancellationToken) =>
        SqliteStateStore.OpenAsync(DatabasePath, Time, cancellationToken);

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
