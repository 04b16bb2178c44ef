using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Orch.Abstractions.Diagnostics;
using Orch.Abstractions.Events;
using Orch.Core.Events;
using Orch.Core.Findings;
using Orch.Core.Git;
using Orch.Core.Jobs;
using Orch.Core.Serialization;
using Orch.Core.Workflow;

namespace Orch.Core.Storage.Sql;

/// <summary>
/// Every store role in SQL that SQLite and PostgreSQL both run, over one connection used by one caller at a time. A
/// backend opens and migrates its database, begins its write transactions and names its faults; the statements are
/// shared, so the two backends cannot drift apart (the contract suite runs on both).
/// </summary>
public abstract partial class SqlStateStore : IStateStore
{
    // The overview's two reads, shared with SqliteOverviewReader so that its answer is always the store's.
    internal const string JobCountsSql = "SELECT status, COUNT(*) FROM jobs GROUP BY status;";
    internal const string RunColumnsSql = "SELECT id, kind, source, status, stop_reason, created_at, finished_at, cancel_requested_at FROM runs";
    internal const string LatestRunsOrder = "ORDER BY created_at DESC, id DESC";

    private protected const string JobColumns =
        "id, run_id, spec, status, queued_at, started_at, finished_at, exit_code, attempts, error, " +
        "owner_id, owner_host, owner_pid, owner_start, process_pid, process_start, recoveries, fence";

    private readonly DbConnection _connection;
    private readonly IdGenerator _ids;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private protected readonly TimeProvider _time;

    // Set at the first sign of damage: from then on nothing touches the database.
    private StateDatabaseException? _damage;

    // Set by FenceWrites: every write commits only while this job is still the process's under this token.
    private (string JobId, long Fence)? _writeFence;

    // The commands of the connection, reused by SQL text with their prepared statements; null: a command per use.
    private readonly CommandPool? _commands;

    private protected SqlStateStore(DbConnection connection, TimeProvider time, string location, bool reuseCommands = false)
    {
        _connection = connection;
        _commands = reuseCommands ? new CommandPool(connection) : null;
        _time = time;
        _ids = new IdGenerator(time);
        DatabasePath = location;
    }

    /// <summary>The database file, or the server database's address without its password: what messages name.</summary>
    public string DatabasePath { get; }

    /// <summary>The connection, for what a backend runs itself (its migrations, its pragmas).</summary>
    private protected DbConnection Connection => _connection;

    /// <summary>What the claim's row lock adds: nothing where the database has one writer at a time, <c>FOR UPDATE SKIP LOCKED</c> on a server.</summary>
    private protected abstract string SkipLocked { get; }

    /// <summary>The database's clock in milliseconds since 1970, as SQL: leases are judged by it, never by a worker's own clock.</summary>
    private protected abstract string NowMillis { get; }

    /// <summary>Begins a write transaction that holds what it needs from its first statement.</summary>
    private protected abstract DbTransaction BeginWrite();

    /// <summary>What a failure of the database means for a person, or <see langword="null"/> for one Orch does not know (a bug).</summary>
    private protected abstract StateDatabaseException? Describe(DbException exception);

    /// <summary>Runs first in every write transaction: a server serializes what must commit in order.</summary>
    private protected virtual Task BeganWriteAsync(DbTransaction tx, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What the fencing check's read adds: nothing where the database has one writer at a time, <c>FOR SHARE</c> on a server.</summary>
    private protected virtual string ShareLock => "";

    /// <summary>Runs before each use of the connection: a server's dropped connection is opened again here.</summary>
    private protected virtual Task EnsureOpenAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after jobs were queued, rescued or requeued, in the same transaction: a server tells waiting workers.</summary>
    private protected virtual Task OnJobsQueuedAsync(DbTransaction tx, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<RunRecord> CreateRunAsync(string kind, string? source, CancellationToken cancellationToken) => CreateRunAsync(kind, source, null, cancellationToken);

    public Task<RunRecord> CreateRunAsync(string kind, string? source, string? optionsJson, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            var run = new RunRecord(_ids.Next("run"), kind, source, RunStatus.Running, null, now, null);
            await ExecuteAsync(_connection, "INSERT INTO runs (id, kind, source, status, created_at, options) VALUES (@id, @kind, @source, 'running', @now, @options);",
                cancellationToken, tx, ("@id", run.Id), ("@kind", kind), ("@source", source), ("@now", Text(now)), ("@options", optionsJson));
            await InsertEventAsync(tx, Envelope(new RunStarted(kind, source), now, run.Id), cancellationToken);
            return run;
        }, cancellationToken);

    public Task FinishRunAsync(string runId, RunStatus status, string? stopReason, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            await ExecuteAsync(_connection, "UPDATE runs SET status = @status, stop_reason = @reason, finished_at = @now, cancel_requested_at = NULL WHERE id = @id;",
                cancellationToken, tx, ("@status", OrchJson.EnumText(status)), ("@reason", stopReason), ("@now", Text(now)), ("@id", runId));
            await InsertEventAsync(tx, Envelope(new RunFinished(status, stopReason), now, runId), cancellationToken);
            return 0;
        }, cancellationToken);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            var runs = await QueryRunsAsync("WHERE id = @id", cancellationToken, ("@id", runId));
            return runs.Count == 0 ? null : runs[0];
        }, cancellationToken);

    public Task<bool> RequestCancelAsync(string runId, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            using var cmd = Command("UPDATE runs SET cancel_requested_at = @now WHERE id = @id AND status = 'running' AND cancel_requested_at IS NULL;", tx);
            Bind(cmd, ("@now", Text(_time.GetUtcNow())), ("@id", runId));
            return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public Task<IReadOnlyList<CheckFindings>> ListCheckFindingsAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            var findings = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
            using (var cmd = Command("SELECT job_id, file, line, col, code, message, severity, tool FROM job_findings WHERE run_id = @run ORDER BY id;", null))
            {
                Bind(cmd, ("@run", runId));
                using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var finding = new Finding(NullableString(reader, 1), NullableInt(reader, 2), NullableInt(reader, 3), NullableString(reader, 4),
                        reader.GetString(5), OrchJson.ParseEnum<FindingSeverity>(reader.GetString(6)), reader.GetString(7));
                    (findings.TryGetValue(reader.GetString(0), out var list) ? list : findings[reader.GetString(0)] = []).Add(finding);
                }
            }

            // Every finished job of the run, so a check that found nothing is listed too.
            var checks = new List<CheckFindings>();
            using (var cmd = Command("SELECT id, workstream_id, name, tool, status, finished_at FROM jobs WHERE run_id = @run AND finished_at IS NOT NULL ORDER BY seq;", null))
            {
                Bind(cmd, ("@run", runId));
                using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var id = reader.GetString(0);
                    checks.Add(new CheckFindings(id, NullableString(reader, 1), reader.GetString(2), reader.GetString(3),
                        OrchJson.ParseEnum<JobStatus>(reader.GetString(4)), ParseTime(reader.GetString(5)), findings.GetValueOrDefault(id) ?? []));
                }
            }

            return (IReadOnlyList<CheckFindings>)checks;
        }, cancellationToken);

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken) =>
        WithConnectionAsync(() => QueryRunsAsync($"{LatestRunsOrder} LIMIT @limit", cancellationToken, ("@limit", limit)), cancellationToken);

    public Task<IReadOnlyList<JobRecord>> EnqueueJobsAsync(string? runId, IReadOnlyList<JobSpec> specs, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            var jobs = new List<JobRecord>(specs.Count);
            using var insert = Command("INSERT INTO jobs (id, run_id, workstream_id, name, tool, spec, status, queued_at) " +
                                       "VALUES (@id, @run, @ws, @name, @tool, @spec, 'queued', @now);", tx);
            foreach (var spec in specs)
            {
                var id = _ids.Next("job");
                Bind(insert, ("@id", id), ("@run", runId), ("@ws", spec.WorkstreamId), ("@name", spec.Name), ("@tool", spec.Tool),
                    ("@spec", JsonSerializer.Serialize(spec, OrchJson.Options)), ("@now", Text(now)));
                await insert.ExecuteNonQueryAsync(cancellationToken);
                await InsertEventAsync(tx, Envelope(new JobQueued(spec.Name, spec.Tool), now, runId, id), cancellationToken);
                jobs.Add(new JobRecord { Id = id, RunId = runId, Spec = spec, Status = JobStatus.Queued, QueuedAt = now });
            }

            await OnJobsQueuedAsync(tx, cancellationToken);
            return (IReadOnlyList<JobRecord>)jobs;
        }, cancellationToken);

    public Task<JobRecord> StartJobAsync(string? runId, JobSpec spec, WorkerIdentity owner, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            var id = _ids.Next("job");
            await ExecuteAsync(_connection,
                "INSERT INTO jobs (id, run_id, workstream_id, name, tool, spec, status, queued_at, started_at, owner_id, owner_host, owner_pid, owner_start, fence) " +
                "VALUES (@id, @run, @ws, @name, @tool, @spec, 'running', @now, @now, @oid, @host, @pid, @start, 1);",
                cancellationToken, tx, ("@id", id), ("@run", runId), ("@ws", spec.WorkstreamId), ("@name", spec.Name), ("@tool", spec.Tool),
                ("@spec", JsonSerializer.Serialize(spec, OrchJson.Options)), ("@now", Text(now)), ("@oid", owner.Id), ("@host", owner.Host),
                ("@pid", owner.Process.ProcessId), ("@start", owner.Process.StartTicks));
            await InsertEventAsync(tx, Envelope(new JobStarted(spec.Name, spec.Tool, owner.Id), now, runId, id), cancellationToken);
            return new JobRecord { Id = id, RunId = runId, Spec = spec, Status = JobStatus.Running, QueuedAt = now, StartedAt = now, Owner = owner, Fence = 1 };
        }, cancellationToken);

    public Task<JobRecord?> ClaimNextJobAsync(WorkerIdentity owner, CancellationToken cancellationToken) => ClaimNextJobAsync(owner, null, cancellationToken);

    public Task<JobRecord?> ClaimNextJobAsync(WorkerIdentity owner, TimeSpan? lease, CancellationToken cancellationToken) =>
        WriteAsync(tx => ClaimNextInAsync(tx, owner, lease, cancellationToken), cancellationToken);

    public Task<JobRecord?> CompleteJobAndClaimNextAsync(JobCompletion completion, WorkerIdentity owner, TimeSpan? lease, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            await CompleteInAsync(tx, completion, cancellationToken);
            return await ClaimNextInAsync(tx, owner, lease, cancellationToken);
        }, cancellationToken);

    private async Task<JobRecord?> ClaimNextInAsync(DbTransaction tx, WorkerIdentity owner, TimeSpan? lease, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        using var claim = Command(
            "UPDATE jobs SET status = 'running', started_at = @now, owner_id = @oid, owner_host = @host, owner_pid = @pid, owner_start = @start, " +
            $"process_pid = NULL, process_start = NULL, fence = fence + 1, lease_until = {NowMillis} + CAST(@lease AS BIGINT) " +
            $"WHERE seq = (SELECT seq FROM jobs WHERE status = 'queued' ORDER BY priority DESC, seq LIMIT 1{SkipLocked}) " +
            $"RETURNING {JobColumns};", tx);
        Bind(claim, ("@now", Text(now)), ("@oid", owner.Id), ("@host", owner.Host), ("@pid", owner.Process.ProcessId), ("@start", owner.Process.StartTicks),
            ("@lease", lease is { } l ? (long)l.TotalMilliseconds : null));
        JobRecord? job = null;
        using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                job = ReadJob(reader);
            }
        }

        if (job is not null)
        {
            await InsertEventAsync(tx, Envelope(new JobStarted(job.Spec.Name, job.Spec.Tool, owner.Id), now, job.RunId, job.Id), cancellationToken);
        }

        return job;
    }

    public abstract Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken);

    public void FenceWrites(string jobId, long fence) => _writeFence = (jobId, fence);

    // In the write's own transaction, so a claim or a rescue that moves the token on cannot slip in between.
    private async Task CheckFenceAsync(DbTransaction tx, string jobId, long fence, CancellationToken cancellationToken)
    {
        using var check = Command($"SELECT fence FROM jobs WHERE id = @id AND status = 'running'{ShareLock};", tx);
        Bind(check, ("@id", jobId));
        if (await check.ExecuteScalarAsync(cancellationToken) is not { } current || Convert.ToInt64(current, CultureInfo.InvariantCulture) != fence)
        {
            throw new JobFencedException(jobId, fence);
        }
    }

    public Task<bool> RenewLeaseAsync(string jobId, long fence, TimeSpan lease, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            using var renew = Command($"UPDATE jobs SET lease_until = {NowMillis} + @lease WHERE id = @id AND fence = @fence AND status = 'running';", tx);
            Bind(renew, ("@lease", (long)lease.TotalMilliseconds), ("@id", jobId), ("@fence", fence));
            return await renew.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> RescueExpiredLeasesAsync(int maxRecoveries, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            // One statement reads and changes each row: a job completed since anyone looked is no longer 'running' and stays as it is.
            using var rescue = Command(
                "UPDATE jobs SET status = CASE WHEN recoveries + 1 > @max THEN 'failed' ELSE 'queued' END, " +
                "error = CASE WHEN recoveries + 1 > @max THEN 'abandoned: its lease ran out on each of its owners' ELSE error END, " +
                "finished_at = CASE WHEN recoveries + 1 > @max THEN @now ELSE NULL END, " +
                "owner_id = NULL, owner_host = NULL, owner_pid = NULL, owner_start = NULL, process_pid = NULL, process_start = NULL, " +
                "started_at = NULL, lease_until = NULL, fence = fence + 1, recoveries = recoveries + 1 " +
                $"WHERE status = 'running' AND lease_until IS NOT NULL AND lease_until < {NowMillis} RETURNING id, run_id, status;", tx);
            Bind(rescue, ("@max", maxRecoveries), ("@now", Text(now)));
            var rescued = new List<(string Id, string? RunId, string Status)>();
            using (var reader = await rescue.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rescued.Add((reader.GetString(0), NullableString(reader, 1), reader.GetString(2)));
                }
            }

            if (rescued.Count > 0)
            {
                Diagnostics.CrashPoints.Hit(Diagnostics.CrashPoints.DuringRescue);
            }

            foreach (var (id, runId, status) in rescued)
            {
                await InsertEventAsync(tx, status == "queued"
                    ? Envelope(new JobRecovered("its lease ran out: the owner stopped renewing it"), now, runId, id)
                    : Envelope(new JobAbandoned(), now, runId, id), cancellationToken);
            }

            if (rescued.Any(r => r.Status == "queued"))
            {
                await OnJobsQueuedAsync(tx, cancellationToken);
            }

            return (IReadOnlyList<string>)[.. rescued.Select(r => r.Id)];
        }, cancellationToken);

    public virtual Task WaitForJobsAsync(TimeSpan max, CancellationToken cancellationToken) => Task.Delay(max, _time, cancellationToken);


    public Task<bool> RecordProcessAsync(string jobId, long fence, ProcessIdentity process, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            using var record = Command("UPDATE jobs SET process_pid = @pid, process_start = @start WHERE id = @id AND fence = @fence AND status = 'running';", tx);
            Bind(record, ("@pid", process.ProcessId), ("@start", process.StartTicks), ("@id", jobId), ("@fence", fence));
            return await record.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public Task CompleteJobAsync(JobCompletion completion, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            await CompleteInAsync(tx, completion, cancellationToken);
            return 0;
        }, cancellationToken);

    private async Task CompleteInAsync(DbTransaction tx, JobCompletion completion, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        string? runId = null;
        string? workstreamId = null;
        var round = 0;
        var updated = false;
        using (var update = Command(
            "UPDATE jobs SET status = @status, finished_at = @now, exit_code = @exit, attempts = attempts + @attempts, error = @error, " +
            "process_pid = NULL, process_start = NULL, lease_until = NULL " +
            "WHERE id = @id AND (CAST(@fence AS BIGINT) IS NULL OR (fence = @fence AND status = 'running')) RETURNING run_id, workstream_id, recoveries;", tx))
        {
            Bind(update, ("@status", OrchJson.EnumText(completion.Status)), ("@now", Text(now)), ("@exit", completion.ExitCode),
                ("@attempts", completion.Attempts.Count), ("@error", completion.Error), ("@id", completion.JobId), ("@fence", completion.Fence));
            using var reader = await update.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                updated = true;
                runId = reader.IsDBNull(0) ? null : reader.GetString(0);
                workstreamId = reader.IsDBNull(1) ? null : reader.GetString(1);
                round = Int(reader, 2);
            }
        }

        if (!updated)
        {
            await RefuseCompletionAsync(tx, completion, cancellationToken);
            return;
        }

        using (var insert = Command(
            "INSERT INTO attempts (job_id, round, number, status, exit_code, started_at, duration_ms, delay_ms, error) " +
            "VALUES (@job, @round, @n, @status, @exit, @started, @duration, @delay, @error);", tx))
        {
            foreach (var attempt in completion.Attempts)
            {
                Bind(insert, ("@job", completion.JobId), ("@round", round), ("@n", attempt.Number), ("@status", OrchJson.EnumText(attempt.Status)),
                    ("@exit", attempt.ExitCode), ("@started", Text(attempt.StartedAt)), ("@duration", (long)attempt.Duration.TotalMilliseconds),
                    ("@delay", (long)attempt.DelayBefore.TotalMilliseconds), ("@error", attempt.Error));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await UpsertFindingsAsync(tx, runId, workstreamId, completion.JobId, completion.Findings, now, cancellationToken);
        using (var cost = Command(
            "INSERT INTO costs (ts, run_id, workstream_id, phase, job_id, attempt, tool, model, input_tokens, cached_tokens, output_tokens, cost_micro_usd, estimated) " +
            "SELECT @ts, run_id, workstream_id, CAST(@phase AS TEXT), id, CAST(@attempt AS INTEGER), @tool, CAST(@model AS TEXT), @input, @cached, @output, " +
            "CAST(@micro AS BIGINT), @estimated FROM jobs WHERE id = @job;", tx))
        {
            foreach (var entry in completion.Costs)
            {
                Bind(cost, ("@ts", Text(now)), ("@phase", completion.Phase), ("@attempt", entry.Attempt), ("@tool", entry.Tool), ("@model", entry.Model),
                    ("@input", entry.InputTokens), ("@cached", entry.CachedTokens), ("@output", entry.OutputTokens),
                    ("@micro", entry.CostUsd is { } usd ? (long)Math.Round(usd * 1_000_000m) : null), ("@estimated", entry.Estimated ? 1 : 0), ("@job", completion.JobId));
                await cost.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        foreach (var evt in completion.Events)
        {
            await InsertEventAsync(tx, evt, cancellationToken);
        }
    }

    // Why a completion changed no row: no such job (a bug), the same result stored before (a retry after a lost
    // answer: nothing to do), or a job another owner holds now.
    private async Task RefuseCompletionAsync(DbTransaction tx, JobCompletion completion, CancellationToken cancellationToken)
    {
        using var look = Command("SELECT status, fence FROM jobs WHERE id = @id;", tx);
        Bind(look, ("@id", completion.JobId));
        using var reader = await look.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Job {completion.JobId} is not in the state database.");
        }

        if (Long(reader, 1) == completion.Fence && reader.GetString(0) == OrchJson.EnumText(completion.Status))
        {
            return;
        }

        throw new JobFencedException(completion.JobId, completion.Fence ?? 0);
    }

    public Task<bool> RequeueJobAsync(string jobId, string expectedOwner, string reason, CancellationToken cancellationToken) =>
        RequeueJobAsync(jobId, expectedOwner, null, reason, cancellationToken);

    public Task<bool> RequeueJobAsync(string jobId, string expectedOwner, long? fence, string reason, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            using var update = Command(
                "UPDATE jobs SET status = 'queued', owner_id = NULL, owner_host = NULL, owner_pid = NULL, owner_start = NULL, " +
                "process_pid = NULL, process_start = NULL, started_at = NULL, lease_until = NULL, fence = fence + 1, recoveries = recoveries + 1 " +
                "WHERE id = @id AND status = 'running' AND owner_id = @owner AND (CAST(@fence AS BIGINT) IS NULL OR fence = @fence) RETURNING run_id;", tx);
            Bind(update, ("@id", jobId), ("@owner", expectedOwner), ("@fence", fence));
            var result = await update.ExecuteScalarAsync(cancellationToken);
            if (result is null)
            {
                return false;
            }

            await InsertEventAsync(tx, Envelope(new JobRecovered(reason, expectedOwner), now, result as string, jobId), cancellationToken);
            await OnJobsQueuedAsync(tx, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            var jobs = await QueryJobsAsync("WHERE id = @id", cancellationToken, ("@id", jobId));
            return jobs.Count == 0 ? null : jobs[0];
        }, cancellationToken);

    // The newest jobs that match, oldest of them first; only the filters given are in the SQL, so a run's jobs are found
    // through its index however many other jobs the table holds.
    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        var conditions = new List<string>(2);
        var parameters = new List<(string, object?)>(3);
        if (query.Status is { } status)
        {
            conditions.Add("status = @status");
            parameters.Add(("@status", OrchJson.EnumText(status)));
        }

        if (query.RunId is { } run)
        {
            conditions.Add("run_id = @run");
            parameters.Add(("@run", run));
        }

        parameters.Add(("@limit", query.Limit));
        var filter = conditions.Count == 0 ? "" : $"WHERE {string.Join(" AND ", conditions)} ";
        return WithConnectionAsync(() => QueryJobsAsync($"WHERE seq IN (SELECT seq FROM jobs {filter}ORDER BY seq DESC LIMIT @limit) ORDER BY seq",
            cancellationToken, [.. parameters]), cancellationToken);
    }

    public Task<IReadOnlyList<AttemptRecord>> ListAttemptsAsync(string jobId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT number, status, exit_code, started_at, duration_ms, error, delay_ms FROM attempts WHERE job_id = @id ORDER BY round, number;", null);
            Bind(cmd, ("@id", jobId));
            var list = new List<AttemptRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new AttemptRecord(Int(reader, 0), OrchJson.ParseEnum<JobStatus>(reader.GetString(1)), NullableInt(reader, 2),
                    ParseTime(reader.GetString(3)), TimeSpan.FromMilliseconds(Long(reader, 4)), NullableString(reader, 5),
                    TimeSpan.FromMilliseconds(Long(reader, 6))));
            }

            return (IReadOnlyList<AttemptRecord>)list;
        }, cancellationToken);

    public Task AppendEventsAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            foreach (var evt in events)
            {
                await InsertEventAsync(tx, evt, cancellationToken);
            }

            return 0;
        }, cancellationToken);

    private const string EventColumnsSql = "id, kind, ts, run_id, job_id, data";

    /// <summary>Every event after an id, in order.</summary>
    internal const string EventsSql = $"SELECT {EventColumnsSql} FROM events WHERE id > @after ORDER BY id LIMIT @limit;";

    /// <summary>
    /// A run's or a job's events after an id, in order: each half read in id order from its own index and the two merged,
    /// so that a page costs the same however much history other runs left (one query with <c>OR</c> read the whole log).
    /// </summary>
    internal const string EventsOfSubjectSql =
        $"SELECT {EventColumnsSql} FROM (SELECT {EventColumnsSql} FROM events WHERE run_id = @subject AND id > @after UNION ALL " +
        $"SELECT {EventColumnsSql} FROM events WHERE job_id = @subject AND id > @after AND (run_id IS NULL OR run_id <> @subject)) AS subject_events " +
        "ORDER BY id LIMIT @limit;";

    public Task<IReadOnlyList<EventRecord>> ReadEventsAsync(string? subjectId, long afterId, int limit, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command(subjectId is null ? EventsSql : EventsOfSubjectSql, null);
            if (subjectId is null)
            {
                Bind(cmd, ("@after", afterId), ("@limit", limit));
            }
            else
            {
                Bind(cmd, ("@after", afterId), ("@subject", subjectId), ("@limit", limit));
            }

            var list = new List<EventRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new EventRecord(Long(reader, 0), reader.GetString(1), ParseTime(reader.GetString(2)),
                    NullableString(reader, 3), NullableString(reader, 4), NullableString(reader, 5)));
            }

            return (IReadOnlyList<EventRecord>)list;
        }, cancellationToken);

    public Task<long> LastEventIdAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
            Convert.ToInt64(await ScalarAsync(_connection, "SELECT COALESCE(MAX(id), 0) FROM events;", cancellationToken), CultureInfo.InvariantCulture),
            cancellationToken);

    public Task<IReadOnlyDictionary<JobStatus, int>> CountJobsAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command(JobCountsSql, null);
            var counts = new Dictionary<JobStatus, int>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[OrchJson.ParseEnum<JobStatus>(reader.GetString(0))] = Int(reader, 1);
            }

            return (IReadOnlyDictionary<JobStatus, int>)counts;
        }, cancellationToken);

    public Task<IReadOnlyList<FindingRecord>> ListFindingsAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command(
                "SELECT signature, file, line, col, code, message, severity, tool, count, first_seen, last_seen FROM findings " +
                "WHERE run_id = @run ORDER BY count DESC, id;", null);
            Bind(cmd, ("@run", runId));
            var list = new List<FindingRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var finding = new Finding(NullableString(reader, 1), NullableInt(reader, 2), NullableInt(reader, 3), NullableString(reader, 4),
                    reader.GetString(5), OrchJson.ParseEnum<FindingSeverity>(reader.GetString(6)), reader.GetString(7));
                list.Add(new FindingRecord(reader.GetString(0), finding, Int(reader, 8), ParseTime(reader.GetString(9)), ParseTime(reader.GetString(10))));
            }

            return (IReadOnlyList<FindingRecord>)list;
        }, cancellationToken);

    public Task SetRunOptionsAsync(string runId, string optionsJson, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            await ExecuteAsync(_connection, "UPDATE runs SET options = @options WHERE id = @id;", cancellationToken, tx, ("@options", optionsJson), ("@id", runId));
            return 0;
        }, cancellationToken);

    public Task<string?> GetRunOptionsAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT options FROM runs WHERE id = @id;", null);
            Bind(cmd, ("@id", runId));
            return await cmd.ExecuteScalarAsync(cancellationToken) as string;
        }, cancellationToken);

    public Task ReopenRunAsync(string runId, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            // A resumed run starts without the cancel that stopped it.
            await ExecuteAsync(_connection, "UPDATE runs SET status = 'running', stop_reason = NULL, finished_at = NULL, cancel_requested_at = NULL WHERE id = @id;",
                cancellationToken, tx, ("@id", runId));
            await InsertEventAsync(tx, Envelope(new RunResumed(), _time.GetUtcNow(), runId), cancellationToken);
            return 0;
        }, cancellationToken);

    public Task SaveWorkstreamAsync(WorkstreamRecord record, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            await ExecuteAsync(_connection,
                "INSERT INTO workstreams (run_id, id, title, status, stop_reason, attempts, detail, started_at, finished_at) " +
                "VALUES (@run, @id, @title, @status, @reason, @attempts, @detail, @started, @finished) " +
                "ON CONFLICT (run_id, id) DO UPDATE SET title = @title, status = @status, stop_reason = @reason, attempts = @attempts, detail = @detail, " +
                "started_at = @started, finished_at = @finished;",
                cancellationToken, tx, ("@run", record.RunId), ("@id", record.Id), ("@title", record.Title), ("@status", OrchJson.EnumText(record.Status)),
                ("@reason", Word(record.StopReason)), ("@attempts", record.Attempts), ("@detail", record.Detail),
                ("@started", record.StartedAt is { } s ? Text(s) : null), ("@finished", record.FinishedAt is { } f ? Text(f) : null));
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<WorkstreamRecord>> ListWorkstreamsAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT run_id, id, title, status, stop_reason, attempts, detail, started_at, finished_at FROM workstreams WHERE run_id = @run ORDER BY rowid;", null);
            Bind(cmd, ("@run", runId));
            var list = new List<WorkstreamRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new WorkstreamRecord(reader.GetString(0), reader.GetString(1), NullableString(reader, 2), OrchJson.ParseEnum<WorkstreamStatus>(reader.GetString(3)),
                    Enum<StopReason>(reader, 4), Int(reader, 5), NullableString(reader, 6), reader.IsDBNull(7) ? null : ParseTime(reader.GetString(7)),
                    reader.IsDBNull(8) ? null : ParseTime(reader.GetString(8))));
            }

            return (IReadOnlyList<WorkstreamRecord>)list;
        }, cancellationToken);

    public Task SavePhaseAsync(PhaseRecord record, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = Text(_time.GetUtcNow());
            var finished = record.Status is PhaseStatus.Running ? null : now;
            await ExecuteAsync(_connection,
                "INSERT INTO phases (run_id, workstream_id, name, status, attempts, stop_reason, checkpoint_sha, started_at, finished_at) " +
                "VALUES (@run, @ws, @name, @status, @attempts, @reason, @sha, @now, @finished) " +
                "ON CONFLICT (run_id, workstream_id, name) DO UPDATE SET status = @status, attempts = @attempts, stop_reason = @reason, " +
                "checkpoint_sha = COALESCE(@sha, phases.checkpoint_sha), finished_at = @finished;",
                cancellationToken, tx, ("@run", record.RunId), ("@ws", record.WorkstreamId), ("@name", OrchJson.EnumText(record.Name)), ("@status", OrchJson.EnumText(record.Status)),
                ("@attempts", record.Attempts), ("@reason", Word(record.StopReason)), ("@sha", record.CheckpointSha), ("@now", now), ("@finished", finished));
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<PhaseRecord>> ListPhasesAsync(string runId, string workstreamId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT run_id, workstream_id, name, status, attempts, stop_reason, checkpoint_sha FROM phases WHERE run_id = @run AND workstream_id = @ws ORDER BY id;", null);
            Bind(cmd, ("@run", runId), ("@ws", workstreamId));
            var list = new List<PhaseRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new PhaseRecord(reader.GetString(0), reader.GetString(1), OrchJson.ParseEnum<PhaseName>(reader.GetString(2)),
                    OrchJson.ParseEnum<PhaseStatus>(reader.GetString(3)), Int(reader, 4), Enum<StopReason>(reader, 5), NullableString(reader, 6)));
            }

            return (IReadOnlyList<PhaseRecord>)list;
        }, cancellationToken);

    public Task SaveWorktreeAsync(WorktreeRecord record, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = Text(_time.GetUtcNow());
            await ExecuteAsync(_connection,
                "INSERT INTO worktrees (path, run_id, workstream_id, branch, base_sha, last_checkpoint, status, created_at) " +
                "VALUES (@path, @run, @ws, @branch, @base, @checkpoint, @status, @now) " +
                "ON CONFLICT (path) DO UPDATE SET last_checkpoint = @checkpoint, status = @status, " +
                "removed_at = CASE WHEN @status = 'removed' THEN @now ELSE worktrees.removed_at END;",
                cancellationToken, tx, ("@path", record.Path), ("@run", record.RunId), ("@ws", record.WorkstreamId), ("@branch", record.Branch),
                ("@base", record.BaseSha), ("@checkpoint", record.LastCheckpoint), ("@status", OrchJson.EnumText(record.Status)), ("@now", now));
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<WorktreeRecord>> ListWorktreesAsync(string? runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT path, run_id, workstream_id, branch, base_sha, last_checkpoint, status FROM worktrees WHERE (CAST(@run AS TEXT) IS NULL OR run_id = @run) ORDER BY created_at;", null);
            Bind(cmd, ("@run", runId));
            var list = new List<WorktreeRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new WorktreeRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    NullableString(reader, 5), OrchJson.ParseEnum<WorktreeStatus>(reader.GetString(6))));
            }

            return (IReadOnlyList<WorktreeRecord>)list;
        }, cancellationToken);

    public Task<IReadOnlyList<CostRecord>> ListCostsAsync(string? runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            // One run's rows through its index: other runs' spending is never read for it.
            const string columns = "SELECT run_id, workstream_id, phase, job_id, attempt, tool, model, input_tokens, cached_tokens, output_tokens, cost_micro_usd, estimated, ts ";
            using var cmd = Command(runId is null ? columns + "FROM costs ORDER BY id;" : columns + "FROM costs WHERE run_id = @run ORDER BY id;", null);
            if (runId is not null)
            {
                Bind(cmd, ("@run", runId));
            }

            var list = new List<CostRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var entry = new CostEntry(reader.IsDBNull(4) ? 0 : Int(reader, 4), reader.GetString(5), NullableString(reader, 6), Long(reader, 7),
                    Long(reader, 8), Long(reader, 9), reader.IsDBNull(10) ? null : Long(reader, 10) / 1_000_000m, Int(reader, 11) == 1);
                list.Add(new CostRecord(NullableString(reader, 0), NullableString(reader, 1), NullableString(reader, 2), NullableString(reader, 3), entry,
                    ParseTime(reader.GetString(12))));
            }

            return (IReadOnlyList<CostRecord>)list;
        }, cancellationToken);

    public Task<decimal> SumCostAsync(string runId, string? workstreamId, string? phase, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT COALESCE(SUM(cost_micro_usd), 0) FROM costs WHERE run_id = @run AND (CAST(@ws AS TEXT) IS NULL OR workstream_id = @ws) AND (CAST(@phase AS TEXT) IS NULL OR phase = @phase);", null);
            Bind(cmd, ("@run", runId), ("@ws", workstreamId), ("@phase", phase));
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) / 1_000_000m;
        }, cancellationToken);

    private async Task UpsertFindingsAsync(DbTransaction tx, string? runId, string? workstreamId, string jobId,
        IReadOnlyList<Finding> findings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (findings.Count == 0)
        {
            return;
        }

        using var upsert = Command(
            "INSERT INTO findings (run_id, workstream_id, job_id, signature, tool, file, line, col, code, message, severity, first_seen, last_seen) " +
            "VALUES (@run, @ws, @job, @sig, @tool, @file, @line, @col, @code, @message, @severity, @now, @now) " +
            "ON CONFLICT (run_id, signature) DO UPDATE SET count = findings.count + 1, last_seen = @now, line = @line, col = @col, job_id = @job, message = @message;", tx);
        foreach (var finding in findings)
        {
            Bind(upsert, ("@run", runId ?? ""), ("@ws", workstreamId), ("@job", jobId), ("@sig", FindingSignature.Of(finding)), ("@tool", finding.Tool),
                ("@file", finding.File), ("@line", finding.Line), ("@col", finding.Column), ("@code", finding.Code), ("@message", finding.Message),
                ("@severity", OrchJson.EnumText(finding.Severity)), ("@now", Text(now)));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        using var seen = Command(
            "INSERT INTO job_findings (run_id, workstream_id, job_id, signature, tool, file, line, col, code, message, severity) " +
            "VALUES (@run, @ws, @job, @sig, @tool, @file, @line, @col, @code, @message, @severity);", tx);
        foreach (var finding in findings)
        {
            Bind(seen, ("@run", runId ?? ""), ("@ws", workstreamId), ("@job", jobId), ("@sig", FindingSignature.Of(finding)), ("@tool", finding.Tool),
                ("@file", finding.File), ("@line", finding.Line), ("@col", finding.Column), ("@code", finding.Code), ("@message", finding.Message),
                ("@severity", OrchJson.EnumText(finding.Severity)));
            await seen.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task InsertEventAsync(DbTransaction tx, NewEvent evt, CancellationToken cancellationToken)
    {
        using var insert = Command("INSERT INTO events (ts, kind, run_id, job_id, data) VALUES (@ts, @kind, @run, @job, @data);", tx);
        Bind(insert, ("@ts", Text(evt.Timestamp)), ("@kind", evt.Kind), ("@run", evt.RunId), ("@job", evt.JobId), ("@data", evt.Data));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<RunRecord>> QueryRunsAsync(string tail, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        using var cmd = Command($"{RunColumnsSql} {tail};", null);
        Bind(cmd, parameters);
        var list = new List<RunRecord>();
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new RunRecord(reader.GetString(0), reader.GetString(1), NullableString(reader, 2), OrchJson.ParseEnum<RunStatus>(reader.GetString(3)),
                NullableString(reader, 4), ParseTime(reader.GetString(5)), reader.IsDBNull(6) ? null : ParseTime(reader.GetString(6)))
            {
                CancelRequestedAt = reader.IsDBNull(7) ? null : ParseTime(reader.GetString(7)),
            });
        }

        return list;
    }

    private async Task<IReadOnlyList<JobRecord>> QueryJobsAsync(string tail, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        using var cmd = Command($"SELECT {JobColumns} FROM jobs {tail};", null);
        Bind(cmd, parameters);
        var list = new List<JobRecord>();
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadJob(reader));
        }

        return list;
    }

    private static JobRecord ReadJob(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        RunId = NullableString(reader, 1),
        Spec = JobSpecReader.Read(UpgradeSpec(reader.GetString(2))),
        Status = OrchJson.ParseEnum<JobStatus>(reader.GetString(3)),
        QueuedAt = ParseTime(reader.GetString(4)),
        StartedAt = reader.IsDBNull(5) ? null : ParseTime(reader.GetString(5)),
        FinishedAt = reader.IsDBNull(6) ? null : ParseTime(reader.GetString(6)),
        ExitCode = NullableInt(reader, 7),
        Attempts = Int(reader, 8),
        Error = NullableString(reader, 9),
        Owner = reader.IsDBNull(10) ? null : new WorkerIdentity(reader.GetString(10), reader.GetString(11),
            new ProcessIdentity(Int(reader, 12), Long(reader, 13))),
        Process = reader.IsDBNull(14) ? null : new ProcessIdentity(Int(reader, 14), Long(reader, 15)),
        Recoveries = Int(reader, 16),
        Fence = Long(reader, 17),
    };

    /// <summary>Runs <paramref name="work"/> in one write transaction; events the store wrote itself are told after the commit.</summary>
    private protected virtual async Task<T> WriteAsync<T>(Func<DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var (result, recorded) = await WithConnectionAsync(async () =>
        {
            _recorded.Clear();
            using var tx = BeginWrite();
            await BeganWriteAsync(tx, cancellationToken);
            if (_writeFence is { } fence)
            {
                await CheckFenceAsync(tx, fence.JobId, fence.Fence, cancellationToken);
            }

            var value = await work(tx);
            await tx.CommitAsync(cancellationToken);
            var committed = _recorded.ToList();
            _recorded.Clear();
            return (value, committed);
        }, cancellationToken);

        // Told outside the connection's gate, so a listener may use the store again.
        foreach (var evt in recorded)
        {
            OnRecorded?.Invoke(evt);
        }

        return result;
    }

    private protected async Task<T> WithConnectionAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_damage is not null)
            {
                throw _damage;
            }

            await EnsureOpenAsync(cancellationToken);
            return await work();
        }
        catch (DbException ex) when (Describe(ex) is { } fault)
        {
            if (fault.Fault is StateDatabaseFault.Corrupt or StateDatabaseFault.NotADatabase)
            {
                _damage = fault;
            }

            throw fault;
        }
        finally
        {
            _gate.Release();
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        _commands?.Dispose();
        await _connection.DisposeAsync();
        _gate.Dispose();
        GC.SuppressFinalize(this);
    }


    private protected DbCommand Command(string sql, DbTransaction? tx)
    {
        if (_commands is not null)
        {
            return _commands.Rent(sql, tx);
        }

        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private protected static void Bind(DbCommand cmd, params (string Name, object? Value)[] parameters)
    {
        cmd.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(parameter);
        }
    }

    private protected static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken,
        DbTransaction? tx = null, params (string, object?)[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        Bind(cmd, parameters);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private protected static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken, DbTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return await cmd.ExecuteScalarAsync(cancellationToken);
    }

    public Action<OrchEvent>? OnRecorded { get; set; }

    // The store's own events, told to OnRecorded once their transaction commits.
    private readonly List<OrchEvent> _recorded = [];

    private NewEvent Envelope(OrchEvent evt, DateTimeOffset now, string? runId, string? jobId = null)
    {
        var stamped = evt with { Timestamp = now, RunId = runId, JobId = jobId };
        _recorded.Add(stamped);
        return EventEnvelope.Of(stamped);
    }

    // Specs stored before escalation named its tool in the policy ("escalate_to_codex") read as policy + target now.
    private static string UpgradeSpec(string json) =>
        json.Contains("\"escalate_to_", StringComparison.Ordinal)
            ? LegacyEscalation().Replace(json, "\"policy\":\"escalate\",\"escalate_to\":\"$1\"")
            : json;

    [System.Text.RegularExpressions.GeneratedRegex("\"policy\":\"escalate_to_([a-z0-9_-]+)\"")]
    private static partial System.Text.RegularExpressions.Regex LegacyEscalation();

    private static string? Word<T>(T? value) where T : struct, Enum => value is { } v ? OrchJson.EnumText(v) : null;

    private static T? Enum<T>(DbDataReader reader, int ordinal) where T : struct, Enum =>
        reader.IsDBNull(ordinal) ? null : OrchJson.TryParseEnum<T>(reader.GetString(ordinal), out var value) ? value : null;

    // "O" of a UTC time is yyyy-MM-ddTHH:mm:ss.fffffffZ, the stored form, and has a fast path of its own.
    private protected static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    // The stored form parses through the round-trip fast path; anything else (older rows, hand edits) through the general parser.
    internal static DateTimeOffset ParseTime(string text) =>
        text.Length == 28 && text[^1] == 'Z' && DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var stored)
            ? stored
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static int? NullableInt(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Int(reader, ordinal);

    // Each backend has its own integer widths (SQLite: always 64-bit); read whichever it returns.
    private protected static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private protected static long Long(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
