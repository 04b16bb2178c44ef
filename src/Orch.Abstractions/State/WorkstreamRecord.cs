namespace Orch.Abstractions.State;

/// <summary>A workstream's state within one run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Id">The workstream id from the plan.</param>
/// <param name="Title">Its title, if any.</param>
/// <param name="Status">pending, running, succeeded, failed, skipped or cancelled.</param>
/// <param name="StopReason">Why it stopped: success, max_attempts, oscillation, scope_violation, budget, dependency_failed, merge_conflict, cancelled, ...</param>
/// <param name="Attempts">Checks run across its FIX loops.</param>
/// <param name="Detail">A short, redacted explanation of the stop, for people.</param>
/// <param name="StartedAt">When it started, if it did.</param>
/// <param name="FinishedAt">When it ended, if it did.</param>
public sealed record WorkstreamRecord(string RunId, string Id, string? Title, string Status, string? StopReason, int Attempts, string? Detail,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);
