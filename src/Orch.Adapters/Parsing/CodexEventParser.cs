using System.Text.Json;
using Orch.Abstractions.Adapters;

namespace Orch.Adapters.Parsing;

/// <summary>
/// Reads the JSONL stream of <c>codex exec --json</c>: <c>turn.completed</c> usage (input, cached and output
/// tokens), <c>turn.failed</c> and fatal <c>error</c> events, <c>file_change</c> items and the last agent message.
/// </summary>
public static class CodexEventParser
{
    public sealed record Result(TokenUsage? Usage, string? Error, IReadOnlyList<string> ChangedFiles, string? LastMessage);

    public static Result Parse(string jsonl, string? model)
    {
        long input = 0, cached = 0, output = 0;
        var turns = 0;
        string? error = null;
        string? lastError = null;
        string? message = null;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] != '{')
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                error ??= $"codex printed truncated or invalid JSON on event line {i + 1}: {Shorten(line)}";
                continue;
            }

            using (document)
            {
                var root = document.RootElement;
                switch (Text(root, "type"))
                {
                    case "turn.completed":
                        turns++;
                        if (root.TryGetProperty("usage", out var usage))
                        {
                            input += Number(usage, "input_tokens");
                            cached += Number(usage, "cached_input_tokens");
                            output += Number(usage, "output_tokens");
                        }

                        break;
                    case "turn.failed":
                        error = root.TryGetProperty("error", out var failure) ? Text(failure, "message") ?? "the turn failed" : "the turn failed";
                        break;
                    case "error":
                        // Reconnect notices arrive as error events too; only the last one matters if no turn completes.
                        lastError = Text(root, "message");
                        break;
                    case "item.completed" when root.TryGetProperty("item", out var item):
                        switch (Text(item, "type"))
                        {
                            case "file_change" when item.TryGetProperty("changes", out var changes) && changes.ValueKind == JsonValueKind.Array:
                                foreach (var change in changes.EnumerateArray())
                                {
                                    if (Text(change, "path") is { } path)
                                    {
                                        files.Add(path);
                                    }
                                }

                                break;
                            case "agent_message":
                                message = Text(item, "text") ?? message;
                                break;
                        }

                        break;
                }
            }
        }

        if (turns == 0 && error is null)
        {
            error = lastError ?? "codex finished no turn";
        }

        var tokens = turns > 0 || input + output > 0 ? new TokenUsage(model, input, cached, output, null) : null;
        return new Result(tokens, error, files.ToList(), message);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
