namespace Orch.Core.Workflow;

/// <summary>What a run stores so that <c>resume</c> can continue it: the plan, the options, the base commit and the owner.</summary>
public sealed record StoredRunOptions(
    string Plan,
    string RepositoryRoot,
    string BaseSha,
    RunOptions Options,
    int OwnerProcessId,
    long OwnerStartTicks);
