using System.Text.Json;
using Orch.Abstractions.Adapters;

namespace Orch.Adapters.Parsing;

/// <summary>
/// Reads the single result object of <c>claude -p --output-format json</c>: <c>is_error</c>, <c>result</c>,
/// <c>total_cost_usd</c>, <c>usage</c> (input, cache read and cache creation, output tokens) and <c>modelUsage</c>.
/// </summary>
public static class ClaudeResultParser
{
    public sealed record Result(TokenUsage? Usage, string? Error, string? Message);

    public static Result Parse(string stdout, string? model)
    {
        var text = stdout.Trim();
        var start = text.LastIndexOf("\n{", StringComparison.Ordinal);
        var json = start >= 0 ? text[(start + 1)..] : text;
        if (json.Length == 0)
        {
            return new Result(null, "claude printed no result", null);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != "result")
            {
                return new Result(null, "claude's output is not a result object; is --output-format json supported by this version?", null);
            }

            var usage = root.TryGetProperty("usage", out var u) ? u : default;
            var fresh = Number(usage, "input_tokens");
            var cacheRead = Number(usage, "cache_read_input_tokens");
            var cacheWrite = Number(usage, "cache_creation_input_tokens");
            var output = Number(usage, "output_tokens");
            decimal? cost = root.TryGetProperty("total_cost_usd", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDecimal() : null;
            var reported = model;
            if (root.TryGetProperty("modelUsage", out var models) && models.ValueKind == JsonValueKind.Object)
            {
                reported = models.EnumerateObject().Select(p => p.Name).FirstOrDefault() ?? model;
            }

            var tokens = new TokenUsage(reported, fresh + cacheRead + cacheWrite, cacheRead, output, cost);
            var message = root.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var isError = root.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True;
            return new Result(tokens, isError ? message ?? "claude reported an error" : null, message);
        }
        catch (JsonException ex)
        {
            return new Result(null, $"claude printed truncated or invalid JSON: {ex.Message}", null);
        }
    }

    private static long Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;
}
