
namespace Orch.Core.Storage;

/// <summary>A stored run.</summary>
/// <param name="Id">The run id.</param>
/// <param name="Kind">What started it, for example <c>job</c> or <c>plan</c>.</param>
/// <param name="Source">The file or folder it came from.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="StopReason">Why it stopped, when it did not succeed.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="FinishedAt">When it ended, or <see langword="null"/> while running.</param>
public sealed record RunRecord(string Id, string Kind, string? Source, RunStatus Status, string? StopReason, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt)
{
    /// <summary>When another process asked the run to stop (<c>cancel RUN</c>), or <see langword="null"/>.</summary>
    public DateTimeOffset? CancelRequestedAt { get; init; }
}
