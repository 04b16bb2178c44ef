namespace Orch.Core.Application;

/// <summary>A line of a job's log, or the header <c>logs</c> prints before each job's log.</summary>
public sealed record LogLine(string JobId, string Text, bool IsHeader);
