using System.Runtime.CompilerServices;
using System.Text.Json;
using Orch.Core.Costs;
using Orch.Core.Jobs;
using Orch.Core.Serialization;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Core.Workflow;

namespace Orch.Core.Application;

/// <summary>Read-only views of the state database: <c>status</c>, <c>events</c> and <c>costs</c>.</summary>
public sealed class ReportUseCases
{
    private readonly OrchEngine _engine;

    internal ReportUseCases(OrchEngine engine) => _engine = engine;

    // How many runs the overview lists.
    private const int RecentRuns = 10;

    /// <summary>The overview, or one run or job in detail.</summary>
    public async Task<StatusReport> StatusAsync(string? id, CancellationToken cancellationToken)
    {
        // A read-only view never makes a database where nothing has run.
        if (!_engine.HasDatabase)
        {
            return id is null ? new StatusReport() : new StatusReport { Found = false };
        }

        // The overview of a healthy SQLite file is read without the store's start-up cost; anything unusual takes the store's path.
        if (id is null && _engine.UnopenedSqlitePath is { } path && SqliteOverviewReader.TryRead(path, RecentRuns) is { } overview)
        {
            return new StatusReport { JobCounts = overview.JobCounts, Runs = overview.Runs };
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        if (id is null)
        {
            return new StatusReport { JobCounts = JobCount.Of(await store.CountJobsAsync(cancellationToken)), Runs = await store.ListRunsAsync(RecentRuns, cancellationToken) };
        }

        if (await store.GetJobAsync(id, cancellationToken) is { } job)
        {
            return new StatusReport { Job = job, Attempts = await store.ListAttemptsAsync(job.Id, cancellationToken) };
        }

        if (await store.GetRunAsync(id, cancellationToken) is { } run)
        {
            var workstreams = await store.ListWorkstreamsAsync(run.Id, cancellationToken);
            var phases = new Dictionary<string, IReadOnlyList<PhaseRecord>>(StringComparer.Ordinal);
            foreach (var ws in workstreams)
            {
                phases[ws.Id] = await store.ListPhasesAsync(run.Id, ws.Id, cancellationToken);
            }

            var costs = await store.ListCostsAsync(run.Id, cancellationToken);
            return new StatusReport
            {
                Run = run,
                Workstreams = workstreams,
                Jobs = await store.ListJobsAsync(new JobQuery(RunId: run.Id), cancellationToken),
                Phases = phases,
                Spent = workstreams.ToDictionary(w => w.Id, w => costs.Where(c => c.WorkstreamId == w.Id).Sum(c => c.Entry.CostUsd ?? 0), StringComparer.Ordinal),
                LogFolders = workstreams.ToDictionary(w => w.Id, w => Path.Combine(_engine.RepositoryRoot, ".orch", "logs", run.Id, w.Id), StringComparer.Ordinal),
            };
        }

        return new StatusReport { Found = false };
    }

    /// <summary>The newest event's id (0 when there is none): a view that reads state after asking follows events from here.</summary>
    public async Task<long> LastEventIdAsync(CancellationToken cancellationToken) =>
        _engine.HasDatabase ? await (await _engine.ReadStoreAsync(cancellationToken)).LastEventIdAsync(cancellationToken) : 0;

    /// <summary>
    /// One run as views show it: the DAG (the plan as the run stored it, so workstreams not started yet are there too), each
    /// workstream's state, phases, steps and spend, every FIX round's findings, the costs with the FIX-loop yield, and the
    /// newest event id to follow on from. <see langword="null"/> when there is no such run.
    /// </summary>
    public async Task<RunOverview?> RunOverviewAsync(string runId, CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            return null;
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        // First: whatever happens while the rest is read arrives as a later event, so a live view misses nothing.
        var lastEvent = await store.LastEventIdAsync(cancellationToken);
        if (await store.GetRunAsync(runId, cancellationToken) is not { } run)
        {
            return null;
        }

        var stored = await store.GetRunOptionsAsync(runId, cancellationToken) is { } json
            ? JsonSerializer.Deserialize<StoredRunOptions>(json, OrchJson.Options)
            : null;
        var records = (await store.ListWorkstreamsAsync(runId, cancellationToken)).ToDictionary(w => w.Id, StringComparer.Ordinal);
        // Runs stored before the graph was kept show the workstreams that started, without edges.
        var graph = stored?.Graph ?? [.. records.Values.Select(r => new PlannedWorkstream(r.Id, r.Title, []))];
        var jobs = await store.ListJobsAsync(new JobQuery(RunId: runId), cancellationToken);
        var steps = jobs.OrderBy(j => j.QueuedAt).ThenBy(j => j.Id, StringComparer.Ordinal)
            .GroupBy(j => StepOf(j.Spec.Name)?.Workstream ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<StepSpan>)[.. g.Select(StepSpan.Of)], StringComparer.Ordinal);
        var costs = await store.ListCostsAsync(runId, cancellationToken);
        var checks = await store.ListCheckFindingsAsync(runId, cancellationToken);
        var workstreams = new List<WorkstreamOverview>();
        var planned = graph.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Concat(records.Values.Where(r => !planned.Contains(r.Id)).Select(r => new PlannedWorkstream(r.Id, r.Title, []))))
        {
            var record = records.GetValueOrDefault(node.Id);
            workstreams.Add(new WorkstreamOverview(node.Id, record?.Title ?? node.Title, node.DependsOn, record?.Status ?? WorkstreamStatus.Pending,
                record?.StopReason, record?.Attempts ?? 0, record?.Detail, record?.StartedAt, record?.FinishedAt,
                costs.Where(c => c.WorkstreamId == node.Id).Sum(c => c.Entry.CostUsd ?? 0),
                record is null ? [] : await store.ListPhasesAsync(runId, node.Id, cancellationToken),
                steps.GetValueOrDefault(node.Id) ?? []));
        }

        var report = CostReport.From(costs) with { Yield = FixYield.Of(checks, costs) };
        var overview = new RunOverview(run, workstreams, [.. checks.Select(CheckRound.Of).OfType<CheckRound>()], report, stored?.Options.BudgetUsd, lastEvent);
        return run.Status == RunStatus.Running && stored is not null ? await WithEtaAsync(overview, stored, cancellationToken) : overview;
    }

    // What earlier runs predict for a run's plan, read once per run: the history changes little while a view follows it.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Estimates.PlanEstimate?> _estimates = new(StringComparer.Ordinal);

    private async Task<RunOverview> WithEtaAsync(RunOverview overview, StoredRunOptions stored, CancellationToken cancellationToken)
    {
        if (!_estimates.TryGetValue(overview.Run.Id, out var estimate))
        {
            estimate = File.Exists(stored.Plan) ? await _engine.Plans.EstimateAsync(Planning.PlanLoader.Load(stored.Plan), stored.Options.Parallel, cancellationToken) : null;
            _estimates[overview.Run.Id] = estimate;
        }

        if (estimate is null)
        {
            return overview;
        }

        // The same refinement as the terminal's live view: finished workstreams set the pace for the rest.
        var eta = estimate.Track();
        var now = _engine.Time.GetUtcNow();
        var running = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var ws in overview.Workstreams)
        {
            if (ws.Status == WorkstreamStatus.Running && ws.StartedAt is { } started)
            {
                running[ws.Id] = now - started;
            }
            else if (ws.Status is not (WorkstreamStatus.Pending or WorkstreamStatus.Running))
            {
                eta.Finished(ws.Id, ws.StartedAt is { } s && ws.FinishedAt is { } f ? f - s : null);
            }
        }

        return overview with
        {
            Left = eta.RunLeft(running),
            Workstreams = [.. overview.Workstreams.Select(w => running.TryGetValue(w.Id, out var took) ? w with { Left = eta.Left(w.Id, took) } : w)],
        };
    }

    /// <summary>
    /// What each check of a run found, FIX round by FIX round: every STATIC and RUNTIME check job of each workstream, in
    /// order, with the findings it reported (none for a clean check). <see langword="null"/> when there is no such run.
    /// </summary>
    public async Task<IReadOnlyList<CheckRound>?> FindingsAsync(string runId, string? workstream, string? phase, CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            return null;
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        if (await store.GetRunAsync(runId, cancellationToken) is null)
        {
            return null;
        }

        return (await store.ListCheckFindingsAsync(runId, cancellationToken))
            .Select(CheckRound.Of)
            .OfType<CheckRound>()
            .Where(c => (workstream is null || c.Workstream == workstream) && (phase is null || string.Equals(c.Phase, phase, StringComparison.OrdinalIgnoreCase)))
            .ToList();
    }

    /// <summary>The jobs a <c>logs</c> target names: one job (<c>JOB</c>), or a workstream's jobs in order (<c>RUN/WS</c>); <see langword="null"/> when it names nothing.</summary>
    public async Task<IReadOnlyList<JobRecord>?> LogJobsAsync(string target, CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            return null;
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        var slash = target.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return await store.GetJobAsync(target, cancellationToken) is { } job ? [job] : null;
        }

        var (runId, workstream) = (target[..slash], target[(slash + 1)..]);
        if (await store.GetRunAsync(runId, cancellationToken) is null
            || !(await store.ListWorkstreamsAsync(runId, cancellationToken)).Any(w => w.Id == workstream))
        {
            return null;
        }

        return (await store.ListJobsAsync(new JobQuery(RunId: runId, Limit: 100_000), cancellationToken))
            .Where(j => j.Spec.Name.StartsWith(workstream + ":", StringComparison.Ordinal)).ToList();
    }

    /// <summary>A workstream job's workstream and step as people read it (<c>EDIT</c>, <c>STATIC check 2</c>), from its name; <see langword="null"/> for other jobs.</summary>
    public static (string Workstream, string Step)? StepOf(string jobName) =>
        Workflow.JobName.Parse(jobName) is { } name ? (name.Workstream, name.Display) : null;

    /// <summary>Where a job's log is.</summary>
    public static string LogFileOf(JobRecord job) => Execution.JobExecutor.LogFileFor(job.Id, job.Spec);

    /// <summary>Where a job's log is, or <see langword="null"/> for a finished job that printed nothing and so left none.</summary>
    public static string? ExistingLogFileOf(JobRecord job) =>
        LogFileOf(job) is var file && (job.FinishedAt is null || File.Exists(file)) ? file : null;

    /// <summary>
    /// The logs of what <paramref name="target"/> names (see <see cref="LogJobsAsync"/>), a header line before each job's.
    /// With <paramref name="follow"/>, keeps printing what the jobs write, and the logs of new jobs of the workstream, until
    /// the job or the run ends or <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async IAsyncEnumerable<LogLine> LogsAsync(string target, bool follow, TimeSpan pollInterval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, long>(StringComparer.Ordinal);
        var quiet = new HashSet<string>(StringComparer.Ordinal);
        var runId = target.Contains('/', StringComparison.Ordinal) ? target[..target.IndexOf('/', StringComparison.Ordinal)] : null;
        while (true)
        {
            var jobs = await LogJobsAsync(target, cancellationToken) ?? [];
            foreach (var job in jobs)
            {
                var file = LogFileOf(job);
                if (!read.TryGetValue(job.Id, out var offset))
                {
                    if (job.FinishedAt is not null && !File.Exists(file))
                    {
                        // A quiet job that exited 0 leaves no log file (see JobExecutor.LogFileFor).
                        yield return new LogLine(job.Id, $"==> {job.Spec.Name} ({job.Id}, {Serialization.OrchJson.EnumText(job.Status)}): no log, it printed nothing <==", IsHeader: true);
                        read[job.Id] = 0;
                        quiet.Add(job.Id);
                        continue;
                    }

                    yield return new LogLine(job.Id, $"==> {job.Spec.Name} ({job.Id}, {Serialization.OrchJson.EnumText(job.Status)}): {file} <==", IsHeader: true);
                }

                var (lines, next) = ReadNew(file, offset, flush: !follow || job.FinishedAt is not null);
                read[job.Id] = next;
                foreach (var line in lines)
                {
                    yield return new LogLine(job.Id, line, IsHeader: false);
                }

                if (job.FinishedAt is not null && next == 0 && !File.Exists(file) && quiet.Add(job.Id))
                {
                    // Followed while it ran, and it ended without a word: its log file was never made.
                    yield return new LogLine(job.Id, "(it printed nothing and exited 0, so no log file was made)", IsHeader: false);
                }
            }

            if (!follow || (jobs.All(j => j.FinishedAt is not null) && (runId is null || await RunEndedAsync(runId, cancellationToken))))
            {
                yield break;
            }

            try
            {
                await Task.Delay(pollInterval, _engine.Time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// True when <paramref name="target"/> names a workstream of a run that is still running: it may not be recorded yet
    /// (the run records each workstream as it starts it), so following it waits for it until the run ends.
    /// </summary>
    public async Task<bool> MayStillStartAsync(string target, CancellationToken cancellationToken) =>
        target.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 && _engine.HasDatabase && !await RunEndedAsync(target[..slash], cancellationToken);

    private async Task<bool> RunEndedAsync(string runId, CancellationToken cancellationToken) =>
        (await (await _engine.ReadStoreAsync(cancellationToken)).GetRunAsync(runId, cancellationToken))?.Status != RunStatus.Running;

    // The whole lines written since offset; a line still being written waits for its end unless the job is over.
    private static (List<string> Lines, long Next) ReadNew(string file, long offset, bool flush)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < offset)
            {
                offset = 0; // rotated: the log starts again
            }

            stream.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[stream.Length - offset];
            stream.ReadExactly(buffer);
            var end = flush ? buffer.Length : Array.LastIndexOf(buffer, (byte)'\n') + 1;
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, end);
            var lines = text.Split('\n').ToList();
            if (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            return (lines, offset + end);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ([], offset);
        }
    }

    /// <summary>True when <paramref name="id"/> names a run or a job.</summary>
    public async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            return false;
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        return await store.GetJobAsync(id, cancellationToken) is not null || await store.GetRunAsync(id, cancellationToken) is not null;
    }

    /// <summary>
    /// The event log, whole or one run's or job's, after <paramref name="afterId"/>. With <paramref name="follow"/>, keeps
    /// polling until the run or job ends or <paramref name="cancellationToken"/> fires (which ends the stream, not an error).
    /// </summary>
    public async IAsyncEnumerable<EventRecord> EventsAsync(string? subject, long afterId, bool follow, TimeSpan pollInterval,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            yield break;
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        var last = afterId;
        while (true)
        {
            IReadOnlyList<EventRecord> batch;
            do
            {
                batch = await store.ReadEventsAsync(subject, last, 1000, cancellationToken);
                foreach (var e in batch)
                {
                    last = e.Id;
                    yield return e;
                }
            }
            while (batch.Count == 1000);

            if (!follow || (subject is not null && await IsFinishedAsync(store, subject, cancellationToken)))
            {
                yield break;
            }

            try
            {
                await Task.Delay(pollInterval, _engine.Time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C is how a follow ends.
                yield break;
            }
        }
    }

    /// <summary>The cost ledger totalled per run, workstream, phase and tool; <see langword="null"/> when <paramref name="runId"/> names no run.</summary>
    public async Task<CostReport?> CostsAsync(string? runId, CancellationToken cancellationToken)
    {
        if (!_engine.HasDatabase)
        {
            return runId is null ? CostReport.From([]) : null;
        }

        var store = await _engine.ReadStoreAsync(cancellationToken);
        if (runId is not null && await store.GetRunAsync(runId, cancellationToken) is null)
        {
            return null;
        }

        var costs = await store.ListCostsAsync(runId, cancellationToken);
        var report = CostReport.From(costs);
        return runId is null ? report : report with { Yield = FixYield.Of(await store.ListCheckFindingsAsync(runId, cancellationToken), costs) };
    }

    private static async Task<bool> IsFinishedAsync(IStateStore store, string subject, CancellationToken ct)
    {
        if (await store.GetJobAsync(subject, ct) is { } job)
        {
            return job.Status is not (JobStatus.Queued or JobStatus.Running);
        }

        return await store.GetRunAsync(subject, ct) is { Status: not RunStatus.Running };
    }
}
