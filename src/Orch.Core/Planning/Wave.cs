namespace Orch.Core.Planning;

/// <summary>One topological wave: its workstreams and the groups among them that may not run at once.</summary>
public sealed record Wave(int Number, IReadOnlyList<WorkstreamSpec> Workstreams, IReadOnlyList<IReadOnlyList<string>> ConflictGroups);
