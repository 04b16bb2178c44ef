using Orch.Cli.Hosting;
using Orch.Core.Diagnostics;

namespace Orch.Cli.Rendering;

internal static class DiagnosticsPrinter
{
    /// <summary>Prints each problem as <c>file:line:col: error ORCHxxxx: message</c> with its hint, to stderr.</summary>
    public static void Print(CliContext context, IEnumerable<OrchDiagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics.OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line ?? 0).ThenBy(d => d.Column ?? 0))
        {
            context.Error.WriteLine(diagnostic.ToString());
            if (diagnostic.Hint is not null && context.Verbosity >= Verbosity.Minimal)
            {
                context.Error.WriteLine($"  hint: {diagnostic.Hint}");
            }
        }
    }

    public static object Json(OrchDiagnostic d) => new
    {
        code = d.Code,
        severity = d.Severity.ToString().ToLowerInvariant(),
        message = d.Message,
        file = d.File,
        line = d.Line,
        column = d.Column,
        hint = d.Hint,
    };
}
