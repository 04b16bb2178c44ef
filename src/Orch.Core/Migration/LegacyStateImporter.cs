using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Orch.Core.Jobs;
using Orch.Core.Serialization;

namespace Orch.Core.Migration;

/// <summary>
/// Imports a legacy <c>pipeline_state.db</c> (compat/legacy/state/schema.sql) into Orch's database: runs,
/// workstreams, step attempts (as jobs with one attempt), errors (as findings, counts kept) and events. The source is
/// opened read-only; the store takes the rows in one transaction and skips those already imported, so a second run adds nothing.
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

    /// <summary>Reads the legacy database at <paramref name="source"/> (read-only) and maps its rows onto Orch's vocabulary.</summary>
    public static async Task<LegacyImportBatch> ReadAsync(string source, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var legacy = await OpenReadOnlyAsync(source, cancellationToken);
        var now = Text(time.GetUtcNow());
        var batch = new LegacyImportBatch(Path.GetFullPath(source), now);
        foreach (var row in await ReadAsync(legacy, "SELECT run_id, status, created_at, updated_at, metadata_json FROM runs ORDER BY created_at, run_id;", cancellationToken))
        {
            var (status, reason) = RunState(row[1]);
            batch.Runs.Add(new LegacyImportBatch.RunRow(row[0]!, RunId(row[0]), status, reason, When(row[2]) ?? now, When(row[3]), row[4]));
        }

        foreach (var row in await ReadAsync(legacy, "SELECT ws_id, run_id, status, depends_on, created_at, updated_at, metadata_json FROM workstreams ORDER BY created_at, ws_id;", cancellationToken))
        {
            // Orch's stop reasons are a closed set; the legacy status word goes in the detail, where status shows it.
            batch.Workstreams.Add(new LegacyImportBatch.WorkstreamRow(row[0]!, RunId(row[1]), row[0]!, WorkstreamState(row[2]), null,
                $"legacy status: {row[2]}" + (row[3] is { Length: > 0 } deps ? $"; depends on {deps}" : ""), When(row[4]), When(row[5])));
        }

        foreach (var row in await ReadAsync(legacy, "SELECT id, run_id, ws_id, step_name, status, started_at, completed_at, result_json FROM step_attempts ORDER BY id;", cancellationToken))
        {
            var key = $"{row[0]}:{row[1]}:{row[2]}:{row[3]}:{row[5]}";
            var status = OrchJson.EnumText(JobState(row[4]));
            var spec = new JobSpec { Name = row[3] ?? "step", Tool = "legacy", Command = [], RepositoryRoot = "", WorkingDirectory = "", WorkstreamId = row[2] };
            batch.Steps.Add(new LegacyImportBatch.StepRow(key, RunId(row[1]), $"legacy-step-{Hash(key)}", row[2], row[3] ?? "step",
                JsonSerializer.Serialize(spec, OrchJson.Options), status, When(row[5]) ?? now, When(row[5]), When(row[6]),
                status == "succeeded" ? null : $"legacy status: {row[4]}", DurationMs(row[5], row[6]), row[7]));
        }

        foreach (var row in await ReadAsync(legacy, "SELECT id, run_id, ws_id, step_name, error_code, signature, message, count, first_seen_at, last_seen_at FROM errors ORDER BY id;", cancellationToken))
        {
            var key = $"{row[0]}:{row[5]}:{row[1]}";
            batch.Errors.Add(new LegacyImportBatch.ErrorRow(key, row[1] is null ? null : RunId(row[1]), row[2], row[5] ?? $"legacy-{Hash(key)}", row[4], row[6] ?? "",
                int.TryParse(row[7], CultureInfo.InvariantCulture, out var c) ? c : 1, When(row[8]) ?? now, When(row[9]) ?? When(row[8]) ?? now));
        }

        foreach (var row in await ReadAsync(legacy, "SELECT id, timestamp, run_id, ws_id, event_type, payload_json FROM events ORDER BY id;", cancellationToken))
        {
            batch.Events.Add(new LegacyImportBatch.EventRow($"{row[0]}:{row[1]}:{row[4]}", row[2] is null ? null : RunId(row[2]), row[3], When(row[1]) ?? now,
                $"legacy.{row[4]}", EventData(row[5], row[3])));
        }

        return batch;
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
