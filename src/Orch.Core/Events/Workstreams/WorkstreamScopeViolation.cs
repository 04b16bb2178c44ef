using System.Text.Json.Serialization;
using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary><c>workstream.scope_violation</c>: A tool changed files outside the scope; the worktree was reset to the checkpoint.</summary>
public sealed record WorkstreamScopeViolation(string Workstream, IReadOnlyList<string> Files, string ResetTo) : OrchEvent
{
    /// <summary>The kind: <c>workstream.scope_violation</c>.</summary>
    public const string KindName = "workstream.scope_violation";

    [JsonIgnore]
    public override string Kind => KindName;
}
