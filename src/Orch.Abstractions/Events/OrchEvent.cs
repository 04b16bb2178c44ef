using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Orch.Abstractions.Events;

/// <summary>
/// Something that happened in the engine. Each kind is a record deriving from this one, whose own properties are the
/// event's details; <see cref="Data"/> holds the same details as JSON, so a sink that does not know the record type can
/// still read them.
/// </summary>
public abstract record OrchEvent
{
    private static readonly ConcurrentDictionary<Type, string> Kinds = new();

    /// <summary>What happened, dotted (for example <c>job.finished</c>): the <see cref="EventKindAttribute"/> of the record type.</summary>
    [JsonIgnore]
    public string Kind => KindOf(GetType());

    /// <summary>The kind an event record type declares with <see cref="EventKindAttribute"/>.</summary>
    /// <param name="type">A type deriving from <see cref="OrchEvent"/>.</param>
    /// <returns>The kind.</returns>
    /// <exception cref="InvalidOperationException">The type declares no kind.</exception>
    public static string KindOf(Type type) => Kinds.GetOrAdd(type, t => t.GetCustomAttributes(typeof(EventKindAttribute), false).OfType<EventKindAttribute>().FirstOrDefault()?.Kind
        ?? throw new InvalidOperationException($"{t.Name} declares no [EventKind]"));

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
