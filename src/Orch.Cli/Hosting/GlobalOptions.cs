using System.CommandLine;

namespace Orch.Cli.Hosting;

/// <summary>Options every command takes.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Database { get; } = new("--db")
    {
        Description = "The state database. Default: $ORCH_DB, else .orch/state.db under the repository root.",
        Recursive = true,
    };

    public Option<string?> Repository { get; } = new("--repo")
    {
        Description = "The repository root. Default: the nearest folder upwards with .git or .orch.",
        Recursive = true,
    };

    public Option<string?> Verbosity { get; } = new("--verbosity", "-v")
    {
        Description = "How much to print: q[uiet], m[inimal], n[ormal], d[etailed], diag[nostic].",
        Recursive = true,
    };

    public Option<bool> NoColor { get; } = new("--no-color")
    {
        Description = "No colors in the output. NO_COLOR in the environment does the same.",
        Recursive = true,
    };

    public Option<OutputFormat> Format { get; } = new("--format")
    {
        Description = "console for people, json for scripts.",
        HelpName = "console|json",
        DefaultValueFactory = _ => OutputFormat.Console,
        CustomParser = result => OptionValues.ParseChoice<OutputFormat>(result, "an output format") ?? OutputFormat.Console,
        Recursive = true,
    };

    public Option<string?> EventsFile { get; } = new("--events-file")
    {
        Description = "Also append every event to this file as JSON lines. Default: $ORCH_EVENTS_FILE, else none.",
        Recursive = true,
    };

    public GlobalOptions()
    {
        Verbosity.AcceptOnlyFromAmong("q", "quiet", "m", "minimal", "n", "normal", "d", "detailed", "diag", "diagnostic");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Database);
        command.Options.Add(Repository);
        command.Options.Add(Verbosity);
        command.Options.Add(NoColor);
        command.Options.Add(Format);
        command.Options.Add(EventsFile);
    }
}
