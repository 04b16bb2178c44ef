using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary>Every event kind Orch emits and its record type. schema/event.v1.schema.json describes each; a test holds the two together.</summary>
public static class EventCatalog
{
    public static IReadOnlyDictionary<string, Type> Kinds { get; } = typeof(EventCatalog).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(OrchEvent)) && !t.IsAbstract)
        .ToDictionary(OrchEvent.KindOf, StringComparer.Ordinal);
}
