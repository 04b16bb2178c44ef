using System.Text.Json;
using Orch.Abstractions.State;
using Orch.Core.Serialization;

namespace Orch.Cli.Rendering;

/// <summary>The JSON that commands print. Shapes are versioned by <c>schema_version</c> and documented in docs/cli.md.</summary>
internal static class JsonOutput
{
    public const int SchemaVersion = 1;

    public static void WriteLine<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, OrchJson.Options));

    public static object Event(EventRecord e) => new
    {
        type = "event",
        id = e.Id,
        kind = e.Kind,
        ts = e.Timestamp,
        run_id = e.RunId,
        job_id = e.JobId,
        data = e.Data is null ? (JsonElement?)null : JsonDocument.Parse(e.Data).RootElement.Clone(),
    };

    public static object Event(NewEvent e) => new
    {
        type = "event",
        kind = e.Kind,
        ts = e.Timestamp,
        run_id = e.RunId,
        job_id = e.JobId,
        data = e.Data is null ? (JsonElement?)null : JsonDocument.Parse(e.Data).RootElement.Clone(),
    };
}
