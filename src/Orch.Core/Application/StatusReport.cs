using Orch.Core.Storage;

namespace Orch.Core.Application;

/// <summary>
/// What <c>status</c> shows: the overview (queue counts and recent runs), or one job with its attempts, or one run with
/// its workstreams and jobs. <see cref="Found"/> is false when an id was asked for and matches nothing.
/// </summary>
public sealed record StatusReport
{
    public bool Found { get; init; } = true;

    public IReadOnlyList<JobCount> JobCounts { get; init; } = [];

    public IReadOnlyList<RunRecord> Runs { get; init; } = [];

    public JobRecord? Job { get; init; }

    public IReadOnlyList<AttemptRecord> Attempts { get; init; } = [];

    public RunRecord? Run { get; init; }

    public IReadOnlyList<WorkstreamRecord> Workstreams { get; init; } = [];

    public IReadOnlyList<JobRecord> Jobs { get; init; } = [];

    /// <summary>For a run: each workstream's phases, by workstream id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PhaseRecord>> Phases { get; init; } = new Dictionary<string, IReadOnlyList<PhaseRecord>>();

    /// <summary>For a run: what each workstream's AI calls cost, by workstream id.</summary>
    public IReadOnlyDictionary<string, decimal> Spent { get; init; } = new Dictionary<string, decimal>();

    /// <summary>For a run: the folder of each workstream's logs, by workstream id.</summary>
    public IReadOnlyDictionary<string, string> LogFolders { get; init; } = new Dictionary<string, string>();
}
