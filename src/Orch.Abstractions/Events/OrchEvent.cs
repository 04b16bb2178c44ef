using System.Text.Json.Serialization;

namespace Orch.Abstractions.Events;

/// <summary>
/// Something that happened in the engine. Each kind is a record deriving from this one, whose own properties are the
/// event's details; <see cref="Data"/> holds the same details as JSON, so a sink that does not know the record type can
/// still read them.
/// </summary>
public abstract record OrchEvent
{
    /// <summary>What happened, dotted (for example <c>job.finished</c>). Each record type has one kind.</summary>
    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>When it happened. The engine stamps it before any sink sees the event.</summary>
    [JsonIgnore]
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The run it belongs to, if any.</summary>
    [JsonIgnore]
    public string? RunId { get; init; }

    /// <summary>The job it belongs to, if any.</summary>
    [JsonIgnore]
    public string? JobId { get; init; }

    /// <summary>The details as a JSON object with snake_case names, secrets already redacted; <see langword="null"/> when the kind has none.</summary>
    [JsonIgnore]
    public string? Data { get; init; }
}
