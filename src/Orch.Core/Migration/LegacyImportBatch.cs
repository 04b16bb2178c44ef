namespace Orch.Core.Migration;

/// <summary>
/// A legacy database's rows mapped onto Orch's vocabulary, ready for <see cref="Storage.ILegacyImportStore"/>. Each row
/// carries the legacy key that makes a second import skip it. Times are Orch's text form, or <see langword="null"/>.
/// </summary>
public sealed record LegacyImportBatch(string Source, string ImportedAt)
{
    public List<RunRow> Runs { get; } = [];

    public List<WorkstreamRow> Workstreams { get; } = [];

    public List<StepRow> Steps { get; } = [];

    public List<ErrorRow> Errors { get; } = [];

    public List<EventRow> Events { get; } = [];

    public sealed record RunRow(string LegacyKey, string RunId, string Status, string? StopReason, string CreatedAt, string? FinishedAt, string? Metadata);

    public sealed record WorkstreamRow(string LegacyKey, string RunId, string Id, string Status, string? StopReason, string? Detail, string? StartedAt, string? FinishedAt);

    public sealed record StepRow(string LegacyKey, string RunId, string JobId, string? WorkstreamId, string Name, string Spec, string Status,
        string QueuedAt, string? StartedAt, string? FinishedAt, string? Error, long DurationMs, string? Result);

    public sealed record ErrorRow(string LegacyKey, string? RunId, string? WorkstreamId, string Signature, string? Code, string Message, int Count,
        string FirstSeen, string LastSeen);

    public sealed record EventRow(string LegacyKey, string? RunId, string? WorkstreamId, string Timestamp, string Kind, string Data);
}
