using Orch.Core.Jobs;

namespace Orch.Core.Storage;

/// <summary>Which jobs to list.</summary>
/// <param name="Status">Only jobs in this status, or <see langword="null"/> for all.</param>
/// <param name="RunId">Only jobs of this run, or <see langword="null"/> for all.</param>
/// <param name="Limit">How many at most: the newest that match. The default value is 1000.</param>
public sealed record JobQuery(JobStatus? Status = null, string? RunId = null, int Limit = 1000);
