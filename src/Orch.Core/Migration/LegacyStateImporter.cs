using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orch.Abstractions.Model;
using Orch.Core.Serialization;
using Orch.Core.State;

namespace Orch.Core.Migration;

/// <summary>
/// Imports a legacy <c>pipeline_state.db</c> (compat/legacy/state/schema.sql) into Orch's database: runs,
/// workstreams, step attempts (as jobs with one attempt), errors (as findings, counts kept) and events. The source is
/// opened read-only; everything lands in one transaction; rows already imported are skipped, so a second run adds nothing.
/// </summary>
public static class LegacyStateImporter
{
    private static readonly string[] RequiredTables = ["runs", "workstreams", "step_attempts", "errors", "events"];

    /// <summary>Checks <paramref name="source"/>; returns why it cannot be imported, or <see langword="null"/>.</summary>
    public static async Task<string?> CheckSourceAsync(string source, CancellationToken cancellationToken)
    {
        if (!File.Exists(source))
        {
            return $"{source} does not exist";
        }

        try
        {
            await using var connection = await OpenReadOnlyAsync(source, cancellationToken);
            var tables = new HashSet<string>(StringComparer.Ordinal);
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table';";
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }

            var missing = RequiredTables.Where(t => !tables.Contains(t)).ToList();
            return missing.Count == 0 ? null
                : $"{source} is not a legacy pipeline_state.db: it has no {string.Join(", ", missing)} table{(missing.Count > 1 ? "s" : "")}";
        }
        catch (SqliteException ex)
        {
            return $"{source} is not a SQLite database ({ex.Message.TrimEnd('.')})";
        }
    }

    public static async Task<MigrationCounts> ImportAsync(string source, string orchDatabase, TimeProvider time, CancellationToken cancellationToken)
    {
        // Opening the store brings Orch's schema up to date before anything is written.
        await (await SqliteStateStore.OpenAsync(orchDatabase, time, cancellationToken)).DisposeAsync();
        await using var legacy = await OpenReadOnlyAsync(source, cancellationToken);
        await using var orch = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = orchDatabase, Pooling = false, DefaultTimeout = 30 }.ToString());
        await orch.OpenAsync(cancellationToken);
        using var tx = orch.BeginTransaction(deferred: false);
        var now = Text(time.GetUtcNow());
        int runs = 0, workstreams = 0, steps = 0, errors = 0, events = 0, skipped = 0;

        foreach (var row in await ReadAsync(legacy, "SELECT run_id, status, created_at, updated_at, metadata_json FROM runs ORDER BY created_at, run_id;", cancellationToken))
        {
            if (!await ClaimAsync("run", row[0]!))
            {
                skipped++;
                continue;
            }

            var (status, reason) = RunState(row[1]);
            await ExecAsync("INSERT OR IGNORE INTO runs (id, kind, source, status, stop_reason, created_at, finished_at, options) VALUES ($id, 'legacy', $source, $status, $reason, $created, $finished, $meta);",
                ("$id", RunId(row[0])), ("$source", Path.GetFullPath(source)), ("$status", status), ("$reason", reason), ("$created", When(row[2]) ?? now),
                ("$finished", When(row[3])), ("$meta", row[4]));
            runs++;
        }

        foreach (var row in await ReadAsync(legacy, "SELECT ws_id, run_id, status, depends_on, created_at, updated_at, metadata_json FROM workstreams ORDER BY created_at, ws_id;", cancellationToken))
        {
            if (!await ClaimAsync("workstream", row[0]!))
            {
                skipped++;
                continue;
            }

            var runId = await EnsureRunAsync(row[1]);
            await ExecAsync("INSERT OR IGNORE INTO workstreams (run_id, id, status, stop_reason, detail, started_at, finished_at) VALUES ($run, $id, $status, $reason, $detail, $started, $finished);",
                ("$run", runId), ("$id", row[0]), ("$status", WorkstreamState(row[2])), ("$reason", $"legacy status: {row[2]}"),
                ("$detail", row[3] is { Length: > 0 } deps ? $"depends on {deps}" : null), ("$started", When(row[4])), ("$finished", When(row[5])));
            workstreams++;
        }

        foreach (var row in await ReadAsync(legacy, "SELECT id, run_id, ws_id, step_name, status, started_at, completed_at, result_json FROM step_attempts ORDER BY id;", cancellationToken))
        {
            var key = $"{row[0]}:{row[1]}:{row[2]}:{row[3]}:{row[5]}";
            if (!await ClaimAsync("step_attempt", key))
            {
                skipped++;
                continue;
            }

            var runId = await EnsureRunAsync(row[1]);
            var jobId = $"legacy-step-{Hash(key)}";
            var status = OrchJson.EnumText(JobState(row[4]));
            var spec = new JobSpec { Name = row[3] ?? "step", Tool = "legacy", Command = [], RepositoryRoot = "", WorkingDirectory = "", WorkstreamId = row[2] };
            await ExecAsync("INSERT INTO jobs (id, run_id, workstream_id, name, tool, spec, status, queued_at, started_at, finished_at, attempts, error) " +
                            "VALUES ($id, $run, $ws, $name, 'legacy', $spec, $status, $queued, $started, $finished, 1, $error);",
                ("$id", jobId), ("$run", runId), ("$ws", row[2]), ("$name", row[3] ?? "step"), ("$spec", JsonSerializer.Serialize(spec, OrchJson.Options)),
                ("$status", status), ("$queued", When(row[5]) ?? now), ("$started", When(row[5])), ("$finished", When(row[6])),
                ("$error", status == "succeeded" ? null : $"legacy status: {row[4]}"));
            await ExecAsync("INSERT INTO attempts (job_id, round, number, status, started_at, duration_ms, delay_ms, error) VALUES ($job, 0, 1, $status, $started, $duration, 0, $result);",
                ("$job", jobId), ("$status", status), ("$started", When(row[5]) ?? now), ("$duration", DurationMs(row[5], row[6])), ("$result", row[7]));
            steps++;
        }

        foreach (var row in await ReadAsync(legacy, "SELECT id, run_id, ws_id, step_name, error_code, signature, message, count, first_seen_at, last_seen_at FROM errors ORDER BY id;", cancellationToken))
        {
            var key = $"{row[0]}:{row[5]}:{row[1]}";
            if (!await ClaimAsync("error", key))
            {
                skipped++;
                continue;
            }

            var runId = row[1] is null ? "" : await EnsureRunAsync(row[1]);
            await ExecAsync("INSERT INTO findings (run_id, workstream_id, signature, tool, code, message, severity, count, first_seen, last_seen) " +
                            "VALUES ($run, $ws, $sig, 'legacy', $code, $message, 'error', $count, $first, $last) " +
                            "ON CONFLICT (run_id, signature) DO UPDATE SET count = count + $count, last_seen = MAX(last_seen, $last);",
                ("$run", runId), ("$ws", row[2]), ("$sig", row[5] ?? $"legacy-{Hash(key)}"), ("$code", row[4]), ("$message", row[6] ?? ""),
                ("$count", int.TryParse(row[7], CultureInfo.InvariantCulture, out var c) ? c : 1), ("$first", When(row[8]) ?? now), ("$last", When(row[9]) ?? When(row[8]) ?? now));
            errors++;
        }

        foreach (var row in await ReadAsync(legacy, "SELECT id, timestamp, run_id, ws_id, event_type, payload_json FROM events ORDER BY id;", cancellationToken))
        {
            var key = $"{row[0]}:{row[1]}:{row[4]}";
            if (!await ClaimAsync("event", key))
            {
                skipped++;
                continue;
            }

            var runId = row[2] is null ? null : await EnsureRunAsync(row[2]);
            await ExecAsync("INSERT INTO events (ts, kind, run_id, workstream_id, data) VALUES ($ts, $kind, $run, $ws, $data);",
                ("$ts", When(row[1]) ?? now), ("$kind", $"legacy.{row[4]}"), ("$run", runId), ("$ws", row[3]), ("$data", EventData(row[5], row[3])));
            events++;
        }

        await tx.CommitAsync(cancellationToken);
        return new MigrationCounts(runs, workstreams, steps, errors, events, skipped);

        async Task<bool> ClaimAsync(string kind, string legacyId)
        {
            using var cmd = orch.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT OR IGNORE INTO legacy_imports (kind, legacy_id, imported_at) VALUES ($kind, $id, $now);";
            cmd.Parameters.AddWithValue("$kind", kind);
            cmd.Parameters.AddWithValue("$id", legacyId);
            cmd.Parameters.AddWithValue("$now", now);
            return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        async Task<string> EnsureRunAsync(string? legacyRun)
        {
            // Workstreams and errors may name a run the runs table lacks; Orch keeps them under a stand-in run.
            var id = RunId(legacyRun);
            await ExecAsync("INSERT OR IGNORE INTO runs (id, kind, source, status, stop_reason, created_at) VALUES ($id, 'legacy', $source, 'failed', 'legacy run without a runs row', $now);",
                ("$id", id), ("$source", Path.GetFullPath(source)), ("$now", now));
            return id;
        }

        async Task ExecAsync(string sql, params (string Name, object? Value)[] parameters)
        {
            using var cmd = orch.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<SqliteConnection> OpenReadOnlyAsync(string source, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(source), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA query_only = 1;";
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private static async Task<List<string?[]>> ReadAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        var rows = new List<string?[]>();
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string RunId(string? legacy) => $"legacy-{legacy ?? "unassigned"}";

    private static (string Status, string? Reason) RunState(string? legacy) => (legacy ?? "").ToLowerInvariant() switch
    {
        "succeeded" or "success" or "completed" or "done" => ("succeeded", null),
        "cancelled" or "canceled" or "aborted" => ("cancelled", $"legacy status: {legacy}"),
        _ => ("failed", $"legacy status: {legacy}"),
    };

    private static string WorkstreamState(string? legacy) => (legacy ?? "").ToLowerInvariant() switch
    {
        "succeeded" or "success" or "completed" or "done" => "succeeded",
        "skipped" => "skipped",
        "cancelled" or "canceled" => "cancelled",
        "pending" or "queued" or "ready" => "pending",
        _ => "failed",
    };

    private static JobStatus JobState(string? legacy) => (legacy ?? "").ToLowerInvariant() switch
    {
        "succeeded" or "success" or "completed" or "done" or "passed" => JobStatus.Succeeded,
        "timeout" or "timed_out" => JobStatus.TimedOut,
        "cancelled" or "canceled" => JobStatus.Cancelled,
        _ => JobStatus.Failed,
    };

    private static long DurationMs(string? started, string? completed) =>
        DateTimeOffset.TryParse(started, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s)
        && DateTimeOffset.TryParse(completed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) && c >= s
            ? (long)(c - s).TotalMilliseconds : 0;

    private static string EventData(string? payload, string? workstream)
    {
        try
        {
            if (payload is not null && JsonDocument.Parse(payload).RootElement.ValueKind == JsonValueKind.Object)
            {
                return payload;
            }
        }
        catch (JsonException)
        {
            // Not JSON: kept as text below.
        }

        return JsonSerializer.Serialize(new { payload, workstream }, OrchJson.Options);
    }

    /// <summary>Legacy timestamps in Orch's format; text that is no time at all is dropped rather than stored unreadable.</summary>
    private static string? When(string? legacy) =>
        DateTimeOffset.TryParse(legacy, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? Text(time) : null;

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
