namespace Orch.Abstractions.Events;

/// <summary>Names the kind of an <see cref="OrchEvent"/> record: dotted, lower-case, unique (for example <c>job.finished</c>).</summary>
/// <param name="kind">The kind.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventKindAttribute(string kind) : Attribute
{
    /// <summary>The kind.</summary>
    public string Kind { get; } = kind;
}
