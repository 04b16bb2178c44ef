using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>run.started</c>: A run was created.</summary>
[EventKind("run.started")]
public sealed record RunStarted([property: JsonPropertyName("kind")] string RunKind, string? Source) : OrchEvent;
