namespace Orch.Core.Jobs;

/// <summary>
/// One job, normalized from Orch's v1 job format or the legacy job format: exactly one tool invocation.
/// Paths are absolute and already checked to lie inside the repository root.
/// </summary>
public sealed record JobSpec
{
    /// <summary>The name the job file gives the job (its <c>id</c> or legacy <c>job_id</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The adapter, and the key of the circuit breaker the job counts against.</summary>
    public required string Tool { get; init; }

    /// <summary>The executable followed by its arguments, or one shell command when <see cref="UseShell"/> is set.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Runs <see cref="Command"/> through <c>/bin/sh -c</c>. The default value is <see langword="false"/>.</summary>
    public bool UseShell { get; init; }

    /// <summary>Variables set for the process on top of the inherited environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The repository root every relative path resolves against.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>The absolute working directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The log file stdout and stderr stream to, or <see langword="null"/> for the default under <c>.orch/logs/</c>.</summary>
    public string? LogFile { get; init; }

    /// <summary>Where the error report is written when the job fails, or <see langword="null"/> for the default under <c>.orch/logs/</c>.</summary>
    public string? ErrorReport { get; init; }

    /// <summary>How long one attempt may take. The default value is 10 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the tool may print nothing before it is killed as stalled; <see langword="null"/> for no limit. The default value is <see langword="null"/>.</summary>
    public TimeSpan? StallTimeout { get; init; }

    /// <summary>
    /// When the job is cancelled (its worker stops or loses it), how long its process group gets after SIGTERM before
    /// SIGKILL. <see langword="null"/> kills at once. Set for a job whose process stops children of its own that lead
    /// their own sessions, which a SIGKILL of its group would leave running.
    /// </summary>
    public TimeSpan? StopGrace { get; init; }

    /// <summary>How the job is retried when an attempt fails.</summary>
    public RetrySettings Retry { get; init; } = new();

    /// <summary>The run the job file names, kept for reference (legacy <c>run_id</c>).</summary>
    public string? SourceRunId { get; init; }

    /// <summary>The workstream the job file names (legacy <c>workstream_id</c>).</summary>
    public string? WorkstreamId { get; init; }

    /// <summary>Files the job may change, relative to the repository root.</summary>
    public IReadOnlyList<string> FilesScope { get; init; } = [];

    /// <summary>Exit codes that count as success. The default value is <c>[0]</c>.</summary>
    public IReadOnlyList<int> SuccessExitCodes { get; init; } = [0];

    /// <summary>The workflow phase the job belongs to (EDIT, STATIC, RUNTIME), for the cost ledger; <see langword="null"/> for plain jobs.</summary>
    public string? Phase { get; init; }

    /// <summary>
    /// For a STATIC or RUNTIME check, the phase's command as the plan or profile writes it (placeholders unexpanded), so
    /// estimates find its history however it expanded and into however many jobs it ran; <see langword="null"/> otherwise.
    /// </summary>
    public string? CheckCommand { get; init; }

    /// <summary>The instruction for AI tools.</summary>
    public string? Prompt { get; init; }

    /// <summary>The model AI tools should use, when set.</summary>
    public string? Model { get; init; }

    /// <summary>The most turns an agent may take, for tools that limit them.</summary>
    public int? MaxTurns { get; init; }

    /// <summary>The tool's executable when it is not the usual name on the PATH.</summary>
    public string? Executable { get; init; }

    /// <summary>A folder outside the working tree for reports the tool writes.</summary>
    public string? ResultsDirectory { get; init; }

    /// <summary>The file the job was loaded from, for messages.</summary>
    public string? SourceFile { get; init; }
}
