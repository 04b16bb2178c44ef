using System.Globalization;
using System.Text;
using Orch.Abstractions.Diagnostics;

namespace Orch.Core.Diagnostics;

/// <summary>A problem with the user's input, as a value: <c>file:line:column: error ORCHxxxx: message</c>, plus a hint.</summary>
public sealed record OrchDiagnostic(string Code, FindingSeverity Severity, string Message, string? File = null, int? Line = null, int? Column = null, string? Hint = null)
{
    public bool IsError => Severity == FindingSeverity.Error;

    public override string ToString()
    {
        var text = new StringBuilder();
        if (File is not null)
        {
            text.Append(File);
            if (Line is { } line)
            {
                text.Append(CultureInfo.InvariantCulture, $":{line}");
                if (Column is { } column)
                {
                    text.Append(CultureInfo.InvariantCulture, $":{column}");
                }
            }

            text.Append(": ");
        }

        text.Append(Severity == FindingSeverity.Error ? "error" : Severity == FindingSeverity.Warning ? "warning" : "info");
        text.Append(CultureInfo.InvariantCulture, $" {Code}: {Message}");
        return text.ToString();
    }
}
