using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orch.Abstractions.Diagnostics;
using Orch.Abstractions.Events;
using Orch.Core.Events;
using Orch.Core.Findings;
using Orch.Core.Git;
using Orch.Core.Jobs;
using Orch.Core.Serialization;
using Orch.Core.Workflow;

namespace Orch.Core.Storage.Sqlite;

/// <summary>
/// The SQLite state store. One connection per instance, used by one caller at a time; several processes share the
/// file through WAL mode, a busy timeout and IMMEDIATE write transactions, so a read-then-write never fails with
/// SQLITE_BUSY half-way.
/// </summary>
public sealed partial class SqliteStateStore : IStateStore
{
    private const string JobColumns =
        "id, run_id, spec, status, queued_at, started_at, finished_at, exit_code, attempts, error, " +
        "owner_id, owner_host, owner_pid, owner_start, process_pid, process_start, recoveries";

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly IdGenerator _ids;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SqliteStateStore(SqliteConnection connection, TimeProvider time, string path, bool readOnly)
    {
        IsReadOnly = readOnly;
        _connection = connection;
        _time = time;
        _ids = new IdGenerator(time);
        DatabasePath = path;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>True when the file or its folder cannot be written: reads work, and every write is refused with <see cref="StateDatabaseFault.ReadOnly"/>.</summary>
    public bool IsReadOnly { get; }

    // Set at the first sign of damage: from then on nothing touches the file.
    private StateDatabaseException? _damage;

    /// <summary>How long a writer waits for another process's lock. The default value is 30 seconds.</summary>
    public static TimeSpan BusyTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and brings its schema up to date.</summary>
    /// <exception cref="StateDatabaseException">The file is not an Orch database, or a newer Orch wrote it.</exception>
    public static Task<SqliteStateStore> OpenAsync(string path, TimeProvider time, CancellationToken cancellationToken) =>
        OpenAsync(path, time, Migrations.All, cancellationToken);

    /// <summary>Opens the database for commands that only read it (reports): the check on open is kept to small files, so reports stay fast.</summary>
    public static Task<SqliteStateStore> OpenForReadingAsync(string path, TimeProvider time, CancellationToken cancellationToken) =>
        OpenAsync(path, time, Migrations.All, cancellationToken, ReadCheckBytes);

    /// <summary>
    /// Opens an existing database with a read-only connection whatever the file allows, for hosts that must never write
    /// (the dashboard): every write is refused by SQLite itself.
    /// </summary>
    public static async Task<SqliteStateStore> OpenReadOnlyAsync(string path, TimeProvider time, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return new SqliteStateStore(await OpenReadOnlyAsync(full, Migrations.All, ReadCheckBytes, cancellationToken), time, full, readOnly: true);
        }
        catch (SqliteException ex) when (SqliteFaults.Describe(ex, full) is { } fault)
        {
            throw fault;
        }
    }

    internal static async Task<SqliteStateStore> OpenAsync(string path, TimeProvider time, IReadOnlyList<string> migrations, CancellationToken cancellationToken,
        long? checkUpTo = null)
    {
        var checkBytes = checkUpTo ?? CheckOnOpenBytes;
        var full = Path.GetFullPath(path);
        var exists = File.Exists(full);
        if (!exists)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        }

        try
        {
            var connection = await OpenWritableAsync(full, exists, migrations, checkBytes, cancellationToken);
            DiskReserve.Ensure(full);
            return new SqliteStateStore(connection, time, full, readOnly: false);
        }
        catch (SqliteException ex) when (exists && SqliteFaults.IsReadOnly(ex))
        {
            // A read-only file, folder or mount: reading still works, so status and the other reports do.
            return new SqliteStateStore(await OpenReadOnlyAsync(full, migrations, checkBytes, cancellationToken), time, full, readOnly: true);
        }
        catch (SqliteException ex) when (SqliteFaults.Describe(ex, full) is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>
    /// Files up to this size are checked with <c>PRAGMA quick_check</c> each time a command that writes opens them
    /// (about 7 ms per MiB), so a damaged file is refused before anything is written to it; larger ones are refused at
    /// the first damaged page SQLite meets. The default value is 64 MiB.
    /// </summary>
    public static long CheckOnOpenBytes { get; } = 64L * 1024 * 1024;

    /// <summary>The same for commands that only read. The default value is 4 MiB, so that reports stay fast on a large history.</summary>
    public static long ReadCheckBytes { get; } = 4L * 1024 * 1024;

    private static async Task<SqliteConnection> OpenWritableAsync(string full, bool exists, IReadOnlyList<string> migrations, long checkBytes,
        CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};", cancellationToken);
            await RefuseNewerSchemaAsync(connection, full, migrations, cancellationToken);
            if (exists)
            {
                await RefuseDamageAsync(connection, full, checkBytes, cancellationToken);
            }

            // After the checks: switching to WAL rewrites the file header, and a refused file stays as it was.
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", cancellationToken);
            await MigrateAsync(connection, migrations, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<SqliteConnection> OpenReadOnlyAsync(string full, IReadOnlyList<string> migrations, long checkBytes, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenReadOnlyAsync(full, full, migrations, checkBytes, cancellationToken);
        }
        catch (SqliteException ex) when (SqliteFaults.IsReadOnly(ex))
        {
            // A WAL database whose folder is read-only and has no -shm file opens only as immutable: nobody can write it anyway.
            return await OpenReadOnlyAsync(full, new Uri(full).AbsoluteUri + "?immutable=1", migrations, checkBytes, cancellationToken);
        }
    }

    private static async Task<SqliteConnection> OpenReadOnlyAsync(string full, string source, IReadOnlyList<string> migrations, long checkBytes,
        CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};", cancellationToken);
            await RefuseNewerSchemaAsync(connection, full, migrations, cancellationToken);
            await RefuseDamageAsync(connection, full, checkBytes, cancellationToken);
            var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture);
            if (version < migrations.Count)
            {
                throw new StateDatabaseException(full, $"{full} is read-only and was written by an older Orch (schema {version}, this Orch reads {migrations.Count}).",
                    "Open it once with write access so Orch can upgrade it, or point --db at an upgraded copy.", null, StateDatabaseFault.ReadOnly);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task RefuseDamageAsync(SqliteConnection connection, string full, long checkBytes, CancellationToken cancellationToken)
    {
        if (new FileInfo(full).Length > checkBytes)
        {
            return;
        }

        var result = Convert.ToString(await ScalarAsync(connection, "PRAGMA quick_check(1);", cancellationToken), CultureInfo.InvariantCulture);
        if (!string.Equals(result, "ok", StringComparison.Ordinal))
        {
            throw SqliteFaults.CorruptFile(full, $"quick_check: {result}");
        }
    }

    private static async Task RefuseNewerSchemaAsync(SqliteConnection connection, string path, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture);
        if (version > migrations.Count)
        {
            throw new StateDatabaseException(path,
                $"{path} has schema version {version}, newer than this Orch understands (version {migrations.Count}).",
                "Upgrade Orch (dotnet tool update -g Orch.Tool), or use another database with --db.");
        }
    }

    private static async Task MigrateAsync(SqliteConnection connection, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture);

        while (version < migrations.Count)
        {
            using var tx = connection.BeginTransaction(deferred: false);
            // Re-read inside the write lock: another process may have migrated meanwhile.
            version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken, tx), CultureInfo.InvariantCulture);
            if (version >= migrations.Count)
            {
                await tx.RollbackAsync(cancellationToken);
                break;
            }

            await ExecuteAsync(connection, migrations[version], cancellationToken, tx);
            await ExecuteAsync(connection, $"PRAGMA user_version = {version + 1};", cancellationToken, tx);
            await tx.CommitAsync(cancellationToken);
            version++;
        }
    }

    /// <summary>The schema version of the open database.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        await WithConnectionAsync(async () =>
            Convert.ToInt32(await ScalarAsync(_connection, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture), cancellationToken);

    public Task<RunRecord> CreateRunAsync(string kind, string? source, CancellationToken cancellationToken) => CreateRunAsync(kind, source, null, cancellationToken);

    public Task<RunRecord> CreateRunAsync(string kind, string? source, string? optionsJson, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            var run = new RunRecord(_ids.Next("run"), kind, source, RunStatus.Running, null, now, null);
            await ExecuteAsync(_connection, "INSERT INTO runs (id, kind, source, status, created_at, options) VALUES ($id, $kind, $source, 'running', $now, $options);",
                cancellationToken, tx, ("$id", run.Id), ("$kind", kind), ("$source", source), ("$now", Text(now)), ("$options", optionsJson));
            await InsertEventAsync(tx, Envelope(new RunStarted(kind, source), now, run.Id), cancellationToken);
            return run;
        }, cancellationToken);

    public Task FinishRunAsync(string runId, RunStatus status, string? stopReason, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            await ExecuteAsync(_connection, "UPDATE runs SET status = $status, stop_reason = $reason, finished_at = $now, cancel_requested_at = NULL WHERE id = $id;",
                cancellationToken, tx, ("$status", OrchJson.EnumText(status)), ("$reason", stopReason), ("$now", Text(now)), ("$id", runId));
            await InsertEventAsync(tx, Envelope(new RunFinished(status, stopReason), now, runId), cancellationToken);
            return 0;
        }, cancellationToken);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            var runs = await QueryRunsAsync("WHERE id = $id", cancellationToken, ("$id", runId));
            return runs.Count == 0 ? null : runs[0];
        }, cancellationToken);

    public Task<bool> RequestCancelAsync(string runId, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            using var cmd = Command("UPDATE runs SET cancel_requested_at = $now WHERE id = $id AND status = 'running' AND cancel_requested_at IS NULL;", tx);
            Bind(cmd, ("$now", Text(_time.GetUtcNow())), ("$id", runId));
            return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public Task<IReadOnlyList<CheckFindings>> ListCheckFindingsAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            var findings = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
            using (var cmd = Command("SELECT job_id, file, line, col, code, message, severity, tool FROM job_findings WHERE run_id = $run ORDER BY id;", null))
            {
                Bind(cmd, ("$run", runId));
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
            using (var cmd = Command("SELECT id, workstream_id, name, tool, status, finished_at FROM jobs WHERE run_id = $run AND finished_at IS NOT NULL ORDER BY seq;", null))
            {
                Bind(cmd, ("$run", runId));
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
        WithConnectionAsync(() => QueryRunsAsync("ORDER BY created_at DESC, id DESC LIMIT $limit", cancellationToken, ("$limit", limit)), cancellationToken);

    public Task<IReadOnlyList<JobRecord>> EnqueueJobsAsync(string? runId, IReadOnlyList<JobSpec> specs, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            var jobs = new List<JobRecord>(specs.Count);
            using var insert = Command("INSERT INTO jobs (id, run_id, workstream_id, name, tool, spec, status, queued_at) " +
                                       "VALUES ($id, $run, $ws, $name, $tool, $spec, 'queued', $now);", tx);
            foreach (var spec in specs)
            {
                var id = _ids.Next("job");
                Bind(insert, ("$id", id), ("$run", runId), ("$ws", spec.WorkstreamId), ("$name", spec.Name), ("$tool", spec.Tool),
                    ("$spec", JsonSerializer.Serialize(spec, OrchJson.Options)), ("$now", Text(now)));
                await insert.ExecuteNonQueryAsync(cancellationToken);
                await InsertEventAsync(tx, Envelope(new JobQueued(spec.Name, spec.Tool), now, runId, id), cancellationToken);
                jobs.Add(new JobRecord { Id = id, RunId = runId, Spec = spec, Status = JobStatus.Queued, QueuedAt = now });
            }

            return (IReadOnlyList<JobRecord>)jobs;
        }, cancellationToken);

    public Task<JobRecord> StartJobAsync(string? runId, JobSpec spec, WorkerIdentity owner, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            var id = _ids.Next("job");
            await ExecuteAsync(_connection,
                "INSERT INTO jobs (id, run_id, workstream_id, name, tool, spec, status, queued_at, started_at, owner_id, owner_host, owner_pid, owner_start) " +
                "VALUES ($id, $run, $ws, $name, $tool, $spec, 'running', $now, $now, $oid, $host, $pid, $start);",
                cancellationToken, tx, ("$id", id), ("$run", runId), ("$ws", spec.WorkstreamId), ("$name", spec.Name), ("$tool", spec.Tool),
                ("$spec", JsonSerializer.Serialize(spec, OrchJson.Options)), ("$now", Text(now)), ("$oid", owner.Id), ("$host", owner.Host),
                ("$pid", owner.Process.ProcessId), ("$start", owner.Process.StartTicks));
            await InsertEventAsync(tx, Envelope(new JobStarted(spec.Name, spec.Tool, owner.Id), now, runId, id), cancellationToken);
            return new JobRecord { Id = id, RunId = runId, Spec = spec, Status = JobStatus.Running, QueuedAt = now, StartedAt = now, Owner = owner };
        }, cancellationToken);

    public Task<JobRecord?> ClaimNextJobAsync(WorkerIdentity owner, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            using var claim = Command(
                "UPDATE jobs SET status = 'running', started_at = $now, owner_id = $oid, owner_host = $host, owner_pid = $pid, owner_start = $start, " +
                "process_pid = NULL, process_start = NULL " +
                "WHERE seq = (SELECT seq FROM jobs WHERE status = 'queued' ORDER BY priority DESC, seq LIMIT 1) " +
                $"RETURNING {JobColumns};", tx);
            Bind(claim, ("$now", Text(now)), ("$oid", owner.Id), ("$host", owner.Host), ("$pid", owner.Process.ProcessId), ("$start", owner.Process.StartTicks));
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
        }, cancellationToken);

    public Task RecordProcessAsync(string jobId, ProcessIdentity process, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            await ExecuteAsync(_connection, "UPDATE jobs SET process_pid = $pid, process_start = $start WHERE id = $id;",
                cancellationToken, tx, ("$pid", process.ProcessId), ("$start", process.StartTicks), ("$id", jobId));
            return 0;
        }, cancellationToken);

    public Task CompleteJobAsync(JobCompletion completion, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            string? runId = null;
            string? workstreamId = null;
            var round = 0;
            using (var update = Command(
                "UPDATE jobs SET status = $status, finished_at = $now, exit_code = $exit, attempts = attempts + $attempts, error = $error, " +
                "process_pid = NULL, process_start = NULL WHERE id = $id RETURNING run_id, workstream_id, recoveries;", tx))
            {
                Bind(update, ("$status", OrchJson.EnumText(completion.Status)), ("$now", Text(now)), ("$exit", completion.ExitCode),
                    ("$attempts", completion.Attempts.Count), ("$error", completion.Error), ("$id", completion.JobId));
                using var reader = await update.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new InvalidOperationException($"Job {completion.JobId} is not in the state database.");
                }

                runId = reader.IsDBNull(0) ? null : reader.GetString(0);
                workstreamId = reader.IsDBNull(1) ? null : reader.GetString(1);
                round = reader.GetInt32(2);
            }

            using (var insert = Command(
                "INSERT INTO attempts (job_id, round, number, status, exit_code, started_at, duration_ms, delay_ms, error) " +
                "VALUES ($job, $round, $n, $status, $exit, $started, $duration, $delay, $error);", tx))
            {
                foreach (var attempt in completion.Attempts)
                {
                    Bind(insert, ("$job", completion.JobId), ("$round", round), ("$n", attempt.Number), ("$status", OrchJson.EnumText(attempt.Status)),
                        ("$exit", attempt.ExitCode), ("$started", Text(attempt.StartedAt)), ("$duration", (long)attempt.Duration.TotalMilliseconds),
                        ("$delay", (long)attempt.DelayBefore.TotalMilliseconds), ("$error", attempt.Error));
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            await UpsertFindingsAsync(tx, runId, workstreamId, completion.JobId, completion.Findings, now, cancellationToken);
            using (var cost = Command(
                "INSERT INTO costs (ts, run_id, workstream_id, phase, job_id, attempt, tool, model, input_tokens, cached_tokens, output_tokens, cost_micro_usd, estimated) " +
                "SELECT $ts, run_id, workstream_id, $phase, id, $attempt, $tool, $model, $input, $cached, $output, $micro, $estimated FROM jobs WHERE id = $job;", tx))
            {
                foreach (var entry in completion.Costs)
                {
                    Bind(cost, ("$ts", Text(now)), ("$phase", completion.Phase), ("$attempt", entry.Attempt), ("$tool", entry.Tool), ("$model", entry.Model),
                        ("$input", entry.InputTokens), ("$cached", entry.CachedTokens), ("$output", entry.OutputTokens),
                        ("$micro", entry.CostUsd is { } usd ? (long)Math.Round(usd * 1_000_000m) : null), ("$estimated", entry.Estimated ? 1 : 0), ("$job", completion.JobId));
                    await cost.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            foreach (var evt in completion.Events)
            {
                await InsertEventAsync(tx, evt, cancellationToken);
            }

            return 0;
        }, cancellationToken);

    public Task<bool> RequeueJobAsync(string jobId, string expectedOwner, string reason, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = _time.GetUtcNow();
            using var update = Command(
                "UPDATE jobs SET status = 'queued', owner_id = NULL, owner_host = NULL, owner_pid = NULL, owner_start = NULL, " +
                "process_pid = NULL, process_start = NULL, started_at = NULL, recoveries = recoveries + 1 " +
                "WHERE id = $id AND status = 'running' AND owner_id = $owner RETURNING run_id;", tx);
            Bind(update, ("$id", jobId), ("$owner", expectedOwner));
            var result = await update.ExecuteScalarAsync(cancellationToken);
            if (result is null)
            {
                return false;
            }

            await InsertEventAsync(tx, Envelope(new JobRecovered(reason, expectedOwner), now, result as string, jobId), cancellationToken);
            return true;
        }, cancellationToken);

    public Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            var jobs = await QueryJobsAsync("WHERE id = $id", cancellationToken, ("$id", jobId));
            return jobs.Count == 0 ? null : jobs[0];
        }, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken) =>
        WithConnectionAsync(() => QueryJobsAsync(
            "WHERE ($status IS NULL OR status = $status) AND ($run IS NULL OR run_id = $run) ORDER BY seq LIMIT $limit", cancellationToken,
            ("$status", query.Status is { } s ? OrchJson.EnumText(s) : null), ("$run", query.RunId), ("$limit", query.Limit)), cancellationToken);

    public Task<IReadOnlyList<AttemptRecord>> ListAttemptsAsync(string jobId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT number, status, exit_code, started_at, duration_ms, error, delay_ms FROM attempts WHERE job_id = $id ORDER BY round, number;", null);
            Bind(cmd, ("$id", jobId));
            var list = new List<AttemptRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new AttemptRecord(reader.GetInt32(0), OrchJson.ParseEnum<JobStatus>(reader.GetString(1)), NullableInt(reader, 2),
                    ParseTime(reader.GetString(3)), TimeSpan.FromMilliseconds(reader.GetInt64(4)), NullableString(reader, 5),
                    TimeSpan.FromMilliseconds(reader.GetInt64(6))));
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

    public Task<IReadOnlyList<EventRecord>> ReadEventsAsync(string? subjectId, long afterId, int limit, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command(
                "SELECT id, kind, ts, run_id, job_id, data FROM events WHERE id > $after " +
                "AND ($subject IS NULL OR run_id = $subject OR job_id = $subject) ORDER BY id LIMIT $limit;", null);
            Bind(cmd, ("$after", afterId), ("$subject", subjectId), ("$limit", limit));
            var list = new List<EventRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new EventRecord(reader.GetInt64(0), reader.GetString(1), ParseTime(reader.GetString(2)),
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
            using var cmd = Command("SELECT status, COUNT(*) FROM jobs GROUP BY status;", null);
            var counts = new Dictionary<JobStatus, int>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[OrchJson.ParseEnum<JobStatus>(reader.GetString(0))] = reader.GetInt32(1);
            }

            return (IReadOnlyDictionary<JobStatus, int>)counts;
        }, cancellationToken);

    public Task<IReadOnlyList<FindingRecord>> ListFindingsAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command(
                "SELECT signature, file, line, col, code, message, severity, tool, count, first_seen, last_seen FROM findings " +
                "WHERE run_id = $run ORDER BY count DESC, id;", null);
            Bind(cmd, ("$run", runId));
            var list = new List<FindingRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var finding = new Finding(NullableString(reader, 1), NullableInt(reader, 2), NullableInt(reader, 3), NullableString(reader, 4),
                    reader.GetString(5), OrchJson.ParseEnum<FindingSeverity>(reader.GetString(6)), reader.GetString(7));
                list.Add(new FindingRecord(reader.GetString(0), finding, reader.GetInt32(8), ParseTime(reader.GetString(9)), ParseTime(reader.GetString(10))));
            }

            return (IReadOnlyList<FindingRecord>)list;
        }, cancellationToken);

    public Task SetRunOptionsAsync(string runId, string optionsJson, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            await ExecuteAsync(_connection, "UPDATE runs SET options = $options WHERE id = $id;", cancellationToken, tx, ("$options", optionsJson), ("$id", runId));
            return 0;
        }, cancellationToken);

    public Task<string?> GetRunOptionsAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT options FROM runs WHERE id = $id;", null);
            Bind(cmd, ("$id", runId));
            return await cmd.ExecuteScalarAsync(cancellationToken) as string;
        }, cancellationToken);

    public Task ReopenRunAsync(string runId, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            // A resumed run starts without the cancel that stopped it.
            await ExecuteAsync(_connection, "UPDATE runs SET status = 'running', stop_reason = NULL, finished_at = NULL, cancel_requested_at = NULL WHERE id = $id;",
                cancellationToken, tx, ("$id", runId));
            await InsertEventAsync(tx, Envelope(new RunResumed(), _time.GetUtcNow(), runId), cancellationToken);
            return 0;
        }, cancellationToken);

    public Task SaveWorkstreamAsync(WorkstreamRecord record, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            await ExecuteAsync(_connection,
                "INSERT INTO workstreams (run_id, id, title, status, stop_reason, attempts, detail, started_at, finished_at) " +
                "VALUES ($run, $id, $title, $status, $reason, $attempts, $detail, $started, $finished) " +
                "ON CONFLICT (run_id, id) DO UPDATE SET title = $title, status = $status, stop_reason = $reason, attempts = $attempts, detail = $detail, " +
                "started_at = $started, finished_at = $finished;",
                cancellationToken, tx, ("$run", record.RunId), ("$id", record.Id), ("$title", record.Title), ("$status", OrchJson.EnumText(record.Status)),
                ("$reason", Word(record.StopReason)), ("$attempts", record.Attempts), ("$detail", record.Detail),
                ("$started", record.StartedAt is { } s ? Text(s) : null), ("$finished", record.FinishedAt is { } f ? Text(f) : null));
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<WorkstreamRecord>> ListWorkstreamsAsync(string runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT run_id, id, title, status, stop_reason, attempts, detail, started_at, finished_at FROM workstreams WHERE run_id = $run ORDER BY rowid;", null);
            Bind(cmd, ("$run", runId));
            var list = new List<WorkstreamRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new WorkstreamRecord(reader.GetString(0), reader.GetString(1), NullableString(reader, 2), OrchJson.ParseEnum<WorkstreamStatus>(reader.GetString(3)),
                    Enum<StopReason>(reader, 4), reader.GetInt32(5), NullableString(reader, 6), reader.IsDBNull(7) ? null : ParseTime(reader.GetString(7)),
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
                "VALUES ($run, $ws, $name, $status, $attempts, $reason, $sha, $now, $finished) " +
                "ON CONFLICT (run_id, workstream_id, name) DO UPDATE SET status = $status, attempts = $attempts, stop_reason = $reason, " +
                "checkpoint_sha = COALESCE($sha, checkpoint_sha), finished_at = $finished;",
                cancellationToken, tx, ("$run", record.RunId), ("$ws", record.WorkstreamId), ("$name", OrchJson.EnumText(record.Name)), ("$status", OrchJson.EnumText(record.Status)),
                ("$attempts", record.Attempts), ("$reason", Word(record.StopReason)), ("$sha", record.CheckpointSha), ("$now", now), ("$finished", finished));
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<PhaseRecord>> ListPhasesAsync(string runId, string workstreamId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT run_id, workstream_id, name, status, attempts, stop_reason, checkpoint_sha FROM phases WHERE run_id = $run AND workstream_id = $ws ORDER BY id;", null);
            Bind(cmd, ("$run", runId), ("$ws", workstreamId));
            var list = new List<PhaseRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new PhaseRecord(reader.GetString(0), reader.GetString(1), OrchJson.ParseEnum<PhaseName>(reader.GetString(2)),
                    OrchJson.ParseEnum<PhaseStatus>(reader.GetString(3)), reader.GetInt32(4), Enum<StopReason>(reader, 5), NullableString(reader, 6)));
            }

            return (IReadOnlyList<PhaseRecord>)list;
        }, cancellationToken);

    public Task SaveWorktreeAsync(WorktreeRecord record, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            var now = Text(_time.GetUtcNow());
            await ExecuteAsync(_connection,
                "INSERT INTO worktrees (path, run_id, workstream_id, branch, base_sha, last_checkpoint, status, created_at) " +
                "VALUES ($path, $run, $ws, $branch, $base, $checkpoint, $status, $now) " +
                "ON CONFLICT (path) DO UPDATE SET last_checkpoint = $checkpoint, status = $status, " +
                "removed_at = CASE WHEN $status = 'removed' THEN $now ELSE removed_at END;",
                cancellationToken, tx, ("$path", record.Path), ("$run", record.RunId), ("$ws", record.WorkstreamId), ("$branch", record.Branch),
                ("$base", record.BaseSha), ("$checkpoint", record.LastCheckpoint), ("$status", OrchJson.EnumText(record.Status)), ("$now", now));
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<WorktreeRecord>> ListWorktreesAsync(string? runId, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT path, run_id, workstream_id, branch, base_sha, last_checkpoint, status FROM worktrees WHERE ($run IS NULL OR run_id = $run) ORDER BY created_at;", null);
            Bind(cmd, ("$run", runId));
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
            using var cmd = Command(
                "SELECT run_id, workstream_id, phase, job_id, attempt, tool, model, input_tokens, cached_tokens, output_tokens, cost_micro_usd, estimated, ts " +
                "FROM costs WHERE ($run IS NULL OR run_id = $run) ORDER BY id;", null);
            Bind(cmd, ("$run", runId));
            var list = new List<CostRecord>();
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var entry = new CostEntry(reader.IsDBNull(4) ? 0 : reader.GetInt32(4), reader.GetString(5), NullableString(reader, 6), reader.GetInt64(7),
                    reader.GetInt64(8), reader.GetInt64(9), reader.IsDBNull(10) ? null : reader.GetInt64(10) / 1_000_000m, reader.GetInt32(11) == 1);
                list.Add(new CostRecord(NullableString(reader, 0), NullableString(reader, 1), NullableString(reader, 2), NullableString(reader, 3), entry,
                    ParseTime(reader.GetString(12))));
            }

            return (IReadOnlyList<CostRecord>)list;
        }, cancellationToken);

    public Task<decimal> SumCostAsync(string runId, string? workstreamId, string? phase, CancellationToken cancellationToken) =>
        WithConnectionAsync(async () =>
        {
            using var cmd = Command("SELECT COALESCE(SUM(cost_micro_usd), 0) FROM costs WHERE run_id = $run AND ($ws IS NULL OR workstream_id = $ws) AND ($phase IS NULL OR phase = $phase);", null);
            Bind(cmd, ("$run", runId), ("$ws", workstreamId), ("$phase", phase));
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) / 1_000_000m;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _gate.Dispose();
    }

    private async Task UpsertFindingsAsync(SqliteTransaction tx, string? runId, string? workstreamId, string jobId,
        IReadOnlyList<Finding> findings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (findings.Count == 0)
        {
            return;
        }

        using var upsert = Command(
            "INSERT INTO findings (run_id, workstream_id, job_id, signature, tool, file, line, col, code, message, severity, first_seen, last_seen) " +
            "VALUES ($run, $ws, $job, $sig, $tool, $file, $line, $col, $code, $message, $severity, $now, $now) " +
            "ON CONFLICT (run_id, signature) DO UPDATE SET count = count + 1, last_seen = $now, line = $line, col = $col, job_id = $job, message = $message;", tx);
        foreach (var finding in findings)
        {
            Bind(upsert, ("$run", runId ?? ""), ("$ws", workstreamId), ("$job", jobId), ("$sig", FindingSignature.Of(finding)), ("$tool", finding.Tool),
                ("$file", finding.File), ("$line", finding.Line), ("$col", finding.Column), ("$code", finding.Code), ("$message", finding.Message),
                ("$severity", OrchJson.EnumText(finding.Severity)), ("$now", Text(now)));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        using var seen = Command(
            "INSERT INTO job_findings (run_id, workstream_id, job_id, signature, tool, file, line, col, code, message, severity) " +
            "VALUES ($run, $ws, $job, $sig, $tool, $file, $line, $col, $code, $message, $severity);", tx);
        foreach (var finding in findings)
        {
            Bind(seen, ("$run", runId ?? ""), ("$ws", workstreamId), ("$job", jobId), ("$sig", FindingSignature.Of(finding)), ("$tool", finding.Tool),
                ("$file", finding.File), ("$line", finding.Line), ("$col", finding.Column), ("$code", finding.Code), ("$message", finding.Message),
                ("$severity", OrchJson.EnumText(finding.Severity)));
            await seen.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task InsertEventAsync(SqliteTransaction tx, NewEvent evt, CancellationToken cancellationToken) =>
        await ExecuteAsync(_connection, "INSERT INTO events (ts, kind, run_id, job_id, data) VALUES ($ts, $kind, $run, $job, $data);",
            cancellationToken, tx, ("$ts", Text(evt.Timestamp)), ("$kind", evt.Kind), ("$run", evt.RunId), ("$job", evt.JobId), ("$data", evt.Data));

    private async Task<IReadOnlyList<RunRecord>> QueryRunsAsync(string tail, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        using var cmd = Command($"SELECT id, kind, source, status, stop_reason, created_at, finished_at, cancel_requested_at FROM runs {tail};", null);
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

    private static JobRecord ReadJob(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        RunId = NullableString(reader, 1),
        Spec = JsonSerializer.Deserialize<JobSpec>(UpgradeSpec(reader.GetString(2)), OrchJson.Options)!,
        Status = OrchJson.ParseEnum<JobStatus>(reader.GetString(3)),
        QueuedAt = ParseTime(reader.GetString(4)),
        StartedAt = reader.IsDBNull(5) ? null : ParseTime(reader.GetString(5)),
        FinishedAt = reader.IsDBNull(6) ? null : ParseTime(reader.GetString(6)),
        ExitCode = NullableInt(reader, 7),
        Attempts = reader.GetInt32(8),
        Error = NullableString(reader, 9),
        Owner = reader.IsDBNull(10) ? null : new WorkerIdentity(reader.GetString(10), reader.GetString(11),
            new ProcessIdentity(reader.GetInt32(12), reader.GetInt64(13))),
        Process = reader.IsDBNull(14) ? null : new ProcessIdentity(reader.GetInt32(14), reader.GetInt64(15)),
        Recoveries = reader.GetInt32(16),
    };

    private async Task<T> WriteAsync<T>(Func<SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            throw SqliteFaults.ReadOnlyFile(DatabasePath);
        }

        try
        {
            return await WriteOnceAsync(work, cancellationToken);
        }
        catch (StateDatabaseException ex) when (ex.Fault == StateDatabaseFault.DiskFull && DiskReserve.Release(DatabasePath))
        {
            // The disk filled up: the space kept aside lets this write (a job's result, say) still be recorded.
            return await WriteOnceAsync(work, cancellationToken);
        }
    }

    private async Task<T> WriteOnceAsync<T>(Func<SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var (result, recorded) = await WithConnectionAsync(async () =>
        {
            // IMMEDIATE takes the write lock up front, so the busy timeout applies to the whole transaction.
            _recorded.Clear();
            using var tx = _connection.BeginTransaction(deferred: false);
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

    private async Task<T> WithConnectionAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_damage is not null)
            {
                throw _damage;
            }

            return await work();
        }
        catch (SqliteException ex) when (SqliteFaults.Describe(ex, DatabasePath) is { } fault)
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

    private SqliteCommand Command(string sql, SqliteTransaction? tx)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private static void Bind(SqliteCommand cmd, params (string Name, object? Value)[] parameters)
    {
        cmd.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken,
        SqliteTransaction? tx = null, params (string, object?)[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        Bind(cmd, parameters);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? tx = null)
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

    private static T? Enum<T>(SqliteDataReader reader, int ordinal) where T : struct, Enum =>
        reader.IsDBNull(ordinal) ? null : OrchJson.TryParseEnum<T>(reader.GetString(ordinal), out var value) ? value : null;

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static int? NullableInt(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);
}
