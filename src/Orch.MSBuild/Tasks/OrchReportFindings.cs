using System.Text.Json;
using Microsoft.Build.Framework;

namespace Orch.MSBuild.Tasks;

/// <summary>
/// Reads the findings <c>dotnet orch static</c> wrote to obj/orch/ and logs each as a canonical MSBuild diagnostic,
/// so they show in the IDE, the build log and binlogs. It parses JSON only: no Orch engine code loads into MSBuild.
/// </summary>
public sealed class OrchReportFindings : Microsoft.Build.Utilities.Task
{
    /// <summary>The JSON file with a <c>findings</c> array.</summary>
    [Required]
    public string File { get; set; } = "";

    /// <summary><c>warning</c> (the default) or <c>error</c>.</summary>
    public string Severity { get; set; } = "warning";

    /// <summary>How many findings were reported.</summary>
    [Output]
    public int Count { get; set; }

    public override bool Execute()
    {
        if (!System.IO.File.Exists(File))
        {
            return true;
        }

        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(File));
        if (!document.RootElement.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array)
        {
            Log.LogWarning(null, "ORCH1500", null, File, 0, 0, 0, 0, "the Orch findings file has no findings array; was it written by another version of dotnet orch?");
            return true;
        }

        var asError = string.Equals(Severity, "error", StringComparison.OrdinalIgnoreCase);
        foreach (var finding in findings.EnumerateArray())
        {
            var file = Text(finding, "file");
            var line = Number(finding, "line");
            var column = Number(finding, "column");
            var code = Text(finding, "orch_code") ?? "ORCH1501";
            var message = $"{Text(finding, "code")}: {Text(finding, "message")}".TrimStart(':', ' ');
            if (asError)
            {
                Log.LogError(null, code, null, file, line, column, 0, 0, message);
            }
            else
            {
                Log.LogWarning(null, code, null, file, line, column, 0, 0, message);
            }

            Count++;
        }

        return !Log.HasLoggedErrors;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
}
