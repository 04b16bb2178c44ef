using Orch.Core.Jobs;

namespace Orch.Core.Storage;

/// <summary>How many jobs of the queue are in one status.</summary>
/// <remarks>
/// A record, not a dictionary keyed by <see cref="JobStatus"/>: the framework's generic code over an Orch value type is
/// compiled at its first use in every process, and <c>status</c> paid for it at start-up.
/// </remarks>
public sealed record JobCount(JobStatus Status, int Count)
{
    /// <summary>The counts of a store's <c>CountJobsAsync</c>, in its order.</summary>
    public static IReadOnlyList<JobCount> Of(IReadOnlyDictionary<JobStatus, int> counts) => [.. counts.Select(kv => new JobCount(kv.Key, kv.Value))];
}
