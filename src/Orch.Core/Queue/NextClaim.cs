using Orch.Core.Storage;

namespace Orch.Core.Queue;

/// <summary>
/// A worker's wish to claim its next job with the result of the one it runs (<see cref="IJobStore.CompleteJobAndClaimNextAsync"/>):
/// one write per job instead of two. Asked only while <see cref="Wanted"/> holds, and never on a retried write, whose
/// first try may have claimed already.
/// </summary>
internal sealed class NextClaim(WorkerIdentity owner, TimeSpan? lease, Func<bool> wanted)
{
    /// <summary>The worker taking the next job.</summary>
    public WorkerIdentity Owner { get; } = owner;

    /// <summary>The next claim's lease.</summary>
    public TimeSpan? Lease { get; } = lease;

    /// <summary>False once the worker is stopping: it takes no more jobs.</summary>
    public bool Wanted => wanted();

    /// <summary>The job claimed with the result, if any.</summary>
    public JobRecord? Claimed { get; set; }
}
