namespace Orch.Cli.Hosting;

public enum OutputFormat
{
    Console,
    Json,
}
