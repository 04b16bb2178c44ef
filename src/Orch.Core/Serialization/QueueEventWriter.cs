using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Orch.Abstractions.Events;
using Orch.Core.Events;

namespace Orch.Core.Serialization;

/// <summary>
/// Writes the details of the four events every queued job has (started, attempt started and finished, finished) as the
/// serializer does under <see cref="OrchJson.Options"/>, field by field: a worker whose jobs need nothing else from the
/// serializer never pays its first use (about 20 ms at a worker's first job) nor its generic machinery per event. Any
/// other event is the serializer's; <c>QueueEventWriterTests</c> hold the two to the same text.
/// </summary>
internal static class QueueEventWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event's details as JSON, or <see langword="null"/> for an event this writer does not write.</summary>
    public static string? TryWrite(OrchEvent evt) => evt switch
    {
        JobStarted started => Write(started, static (w, e) =>
        {
            w.WriteString("name"u8, e.Name);
            w.WriteString("tool"u8, e.Tool);
            w.WriteString("owner"u8, e.Owner);
        }),
        AttemptStarted attempt => Write(attempt, static (w, e) => w.WriteNumber("attempt"u8, e.Attempt)),
        AttemptFinished finished => Write(finished, static (w, e) =>
        {
            w.WriteNumber("attempt"u8, e.Attempt);
            w.WriteString("status"u8, OrchJson.EnumText(e.Status));
            Number(w, "exit_code"u8, e.ExitCode);
            Text(w, "error"u8, e.Error);
        }),
        JobFinished finished => Write(finished, static (w, e) =>
        {
            w.WriteString("status"u8, OrchJson.EnumText(e.Status));
            Number(w, "exit_code"u8, e.ExitCode);
            w.WriteNumber("attempts"u8, e.Attempts);
            Text(w, "error"u8, e.Error);
            Text(w, "error_report"u8, e.ErrorReport);
        }),
        _ => null,
    };

    private static string Write<T>(T evt, Action<Utf8JsonWriter, T> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            fields(writer, evt);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Null fields are left out, as the serializer's WhenWritingNull does.
    private static void Number(Utf8JsonWriter writer, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void Text(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
