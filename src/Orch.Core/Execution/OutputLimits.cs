namespace Orch.Core.Execution;

/// <summary>
/// Bounds on what Orch keeps of a process's output, so memory and disk stay bounded whatever a tool prints: one
/// endless line, or gigabytes of lines.
/// </summary>
public sealed record OutputLimits
{
    /// <summary>The default limits.</summary>
    public static OutputLimits Default { get; } = new();

    /// <summary>
    /// The longest line kept; the rest of a longer line is dropped and the log says how much. The default value is
    /// 64 Ki characters.
    /// </summary>
    public int MaxLineChars { get; init; } = 64 * 1024;

    /// <summary>Output kept in memory for the adapters to parse; the log keeps more. The default value is 4 Mi characters.</summary>
    public int MaxCapturedChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// The size at which a job's log is rotated: the full log becomes <c>LOG.1</c> (replacing an older one) and a new log
    /// starts with a note of what was dropped, so one job's logs never take more than twice this. The default value is
    /// 64 MiB.
    /// </summary>
    public long MaxLogBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Logging stops, with a note, when the log's disk has less than this free, so a tool that prints without end cannot
    /// fill the disk that the job's result still has to be recorded on. The default value is 16 MiB.
    /// </summary>
    public long KeepFreeBytes { get; init; } = 16L * 1024 * 1024;
}
