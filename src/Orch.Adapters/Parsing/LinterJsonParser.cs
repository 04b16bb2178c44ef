using System.Text.Json;
using Orch.Abstractions.Diagnostics;

namespace Orch.Adapters.Parsing;

/// <summary>Reads the JSON reports of ruff (<c>--output-format=json</c>) and eslint (<c>-f json</c>).</summary>
public static class LinterJsonParser
{
    /// <summary>ruff: <c>[{"code","message","filename","location":{"row","column"}}]</c>.</summary>
    public static IReadOnlyList<Finding> Ruff(string json, string? root) => Read(json, array => array.EnumerateArray().Select(item =>
    {
        var location = item.TryGetProperty("location", out var l) ? l : default;
        return new Finding(Relative(Text(item, "filename"), root), Int(location, "row"), Int(location, "column"), Text(item, "code"),
            Text(item, "message") ?? "", FindingSeverity.Error, "ruff");
    }));

    /// <summary>eslint: <c>[{"filePath","messages":[{"ruleId","severity","message","line","column"}]}]</c>; severity 2 is an error, 1 a warning.</summary>
    public static IReadOnlyList<Finding> Eslint(string json, string? root) => Read(json, array => array.EnumerateArray().SelectMany(file =>
        file.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array
            ? messages.EnumerateArray().Select(m => new Finding(Relative(Text(file, "filePath"), root), Int(m, "line"), Int(m, "column"),
                Text(m, "ruleId"), Text(m, "message") ?? "", Int(m, "severity") == 2 ? FindingSeverity.Error : FindingSeverity.Warning, "eslint"))
            : []));

    private static IReadOnlyList<Finding> Read(string json, Func<JsonElement, IEnumerable<Finding>> map)
    {
        var start = json.IndexOf('[', StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json[start..]);
            return document.RootElement.ValueKind == JsonValueKind.Array ? map(document.RootElement).ToList() : [];
        }
        catch (JsonException ex)
        {
            return [new Finding(null, null, null, "REPORT", $"the linter's JSON report is truncated or invalid: {ex.Message}", FindingSeverity.Error, "linter")];
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static string? Relative(string? file, string? root)
    {
        if (file is null || root is null || !Path.IsPathFullyQualified(file))
        {
            return file;
        }

        var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
        return relative.StartsWith("../", StringComparison.Ordinal) ? file : relative;
    }
}
