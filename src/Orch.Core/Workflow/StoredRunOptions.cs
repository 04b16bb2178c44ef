namespace Orch.Core.Workflow;

/// <summary>What a run stores so that <c>resume</c> can continue it: the plan, the options, the base commit and the owner.</summary>
/// <param name="Graph">The plan's workstreams and their dependencies when the run began, so views draw the whole DAG before
/// anything starts; <see langword="null"/> for runs stored by an older Orch.</param>
/// <param name="Specs">Each workstream in full, for worker hosts that have no copy of the plan; only in distributed runs.</param>
public sealed record StoredRunOptions(
    string Plan,
    string RepositoryRoot,
    string BaseSha,
    RunOptions Options,
    int OwnerProcessId,
    long OwnerStartTicks,
    IReadOnlyList<PlannedWorkstream>? Graph = null,
    IReadOnlyList<Planning.WorkstreamSpec>? Specs = null);

/// <summary>One node of a run's DAG as planned.</summary>
/// <param name="Id">The workstream.</param>
/// <param name="Title">Its title, if any.</param>
/// <param name="DependsOn">The workstreams it waits for.</param>
public sealed record PlannedWorkstream(string Id, string? Title, IReadOnlyList<string> DependsOn);
