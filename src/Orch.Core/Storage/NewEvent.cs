namespace Orch.Core.Storage;

/// <summary>An event to append.</summary>
/// <param name="Kind">What happened, dotted (for example <c>job.started</c>).</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="RunId">The run, if any.</param>
/// <param name="JobId">The job, if any.</param>
/// <param name="Data">A JSON object with details, already redacted, or <see langword="null"/>.</param>
public sealed record NewEvent(string Kind, DateTimeOffset Timestamp, string? RunId, string? JobId, string? Data = null);
