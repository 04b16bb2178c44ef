using Orch.Core.Jobs;

namespace Orch.Core.Storage;

/// <summary>One try of a job.</summary>
/// <param name="Number">1 for the first attempt, then 2, 3, ...</param>
/// <param name="Status">How the attempt ended.</param>
/// <param name="ExitCode">Its exit code, or <see langword="null"/> when it was killed or did not start.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Error">A short, redacted reason when it failed.</param>
/// <param name="DelayBefore">The backoff waited before it; zero for the first attempt.</param>
public sealed record AttemptRecord(int Number, JobStatus Status, int? ExitCode, DateTimeOffset StartedAt, TimeSpan Duration, string? Error, TimeSpan DelayBefore);
