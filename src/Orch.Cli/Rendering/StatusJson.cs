using System.Text.Encodings.Web;
using System.Text.Json;
using Orch.Core.Serialization;
using Orch.Core.Storage;

namespace Orch.Cli.Rendering;

/// <summary>
/// The overview <c>status --format json</c> prints, written with <see cref="Utf8JsonWriter"/> itself: the serializer
/// behind <see cref="JsonOutput"/> costs about 40 ms at its first use (its reflection, and generic code for each value
/// type that precompiling cannot share), more than the rest of the command. The text is the serializer's with
/// <see cref="OrchJson.Options"/>: the same names, order, encoder, and absent nulls as <see cref="RunJson.Of"/>.
/// </summary>
internal static class StatusJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteOverview(TextWriter writer, string database, IReadOnlyList<JobCount> counts, IReadOnlyList<RunRecord> runs)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteNumber("schema_version", JsonOutput.SchemaVersion);
            json.WriteString("database", database);
            json.WriteStartObject("jobs");
            foreach (var (status, count) in counts)
            {
                json.WriteNumber(OrchJson.EnumText(status), count);
            }

            json.WriteEndObject();
            json.WriteStartArray("runs");
            foreach (var run in runs)
            {
                json.WriteStartObject();
                json.WriteString("run_id", run.Id);
                json.WriteString("kind", run.Kind);
                WriteIfAny(json, "source", run.Source);
                json.WriteString("status", OrchJson.EnumText(run.Status));
                WriteIfAny(json, "stop_reason", run.StopReason);
                json.WriteString("created_at", run.CreatedAt);
                if (run.FinishedAt is { } finished)
                {
                    json.WriteString("finished_at", finished);
                }

                if (run.CancelRequestedAt is { } cancel)
                {
                    json.WriteString("cancel_requested_at", cancel);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteIfAny(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
