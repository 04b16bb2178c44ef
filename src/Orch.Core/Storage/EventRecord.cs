namespace Orch.Core.Storage;

/// <summary>A stored event.</summary>
/// <param name="Id">Its position in the append-only log; ids only grow.</param>
/// <param name="Kind">What happened, dotted (for example <c>job.started</c>).</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="RunId">The run, if any.</param>
/// <param name="JobId">The job, if any.</param>
/// <param name="Data">A JSON object with details, or <see langword="null"/>.</param>
public sealed record EventRecord(long Id, string Kind, DateTimeOffset Timestamp, string? RunId, string? JobId, string? Data);
