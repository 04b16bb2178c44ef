namespace Orch.Cli.Hosting;

/// <summary>dotnet's verbosity levels: q[uiet], m[inimal], n[ormal], d[etailed], diag[nostic].</summary>
public enum Verbosity
{
    Quiet,
    Minimal,
    Normal,
    Detailed,
    Diagnostic,
}
