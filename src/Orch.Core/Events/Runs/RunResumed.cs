using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>run.resumed</c>: A finished or crashed run was reopened by resume.</summary>
public sealed record RunResumed : OrchEvent
{
    /// <summary>The kind: <c>run.resumed</c>.</summary>
    public const string KindName = "run.resumed";

    [JsonIgnore]
    public override string Kind => KindName;
}
