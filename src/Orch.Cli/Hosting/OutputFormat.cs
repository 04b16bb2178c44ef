namespace Orch.Cli.Hosting;

public enum OutputFormat
{
    Console,
    Json,

    /// <summary>SARIF 2.1.0, which GitHub code scanning reads; <c>findings</c> only.</summary>
    Sarif,
}
