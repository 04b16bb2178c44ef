using Orch.Core.Migration;

namespace Orch.Core.Storage.Sql;

/// <summary>The <see cref="ILegacyImportStore"/> role of the SQL stores.</summary>
public abstract partial class SqlStateStore
{
    public Task<MigrationCounts> ImportLegacyAsync(LegacyImportBatch batch, CancellationToken cancellationToken) =>
        WriteAsync(async tx =>
        {
            int runs = 0, workstreams = 0, steps = 0, errors = 0, events = 0, skipped = 0;
            foreach (var row in batch.Runs)
            {
                if (await ClaimAsync("run", row.LegacyKey))
                {
                    await ExecAsync("INSERT INTO runs (id, kind, source, status, stop_reason, created_at, finished_at, options) VALUES (@id, 'legacy', @source, @status, @reason, @created, @finished, @meta) ON CONFLICT DO NOTHING;",
                        ("@id", row.RunId), ("@source", batch.Source), ("@status", row.Status), ("@reason", row.StopReason), ("@created", row.CreatedAt),
                        ("@finished", row.FinishedAt), ("@meta", row.Metadata));
                    runs++;
                }
                else
                {
                    skipped++;
                }
            }

            foreach (var row in batch.Workstreams)
            {
                if (await ClaimAsync("workstream", row.LegacyKey))
                {
                    await EnsureRunAsync(row.RunId);
                    await ExecAsync("INSERT INTO workstreams (run_id, id, status, stop_reason, detail, started_at, finished_at) VALUES (@run, @id, @status, @reason, @detail, @started, @finished) ON CONFLICT DO NOTHING;",
                        ("@run", row.RunId), ("@id", row.Id), ("@status", row.Status), ("@reason", row.StopReason), ("@detail", row.Detail), ("@started", row.StartedAt),
                        ("@finished", row.FinishedAt));
                    workstreams++;
                }
                else
                {
                    skipped++;
                }
            }

            foreach (var row in batch.Steps)
            {
                if (await ClaimAsync("step_attempt", row.LegacyKey))
                {
                    await EnsureRunAsync(row.RunId);
                    await ExecAsync("INSERT INTO jobs (id, run_id, workstream_id, name, tool, spec, status, queued_at, started_at, finished_at, attempts, error) " +
                                    "VALUES (@id, @run, @ws, @name, 'legacy', @spec, @status, @queued, @started, @finished, 1, @error);",
                        ("@id", row.JobId), ("@run", row.RunId), ("@ws", row.WorkstreamId), ("@name", row.Name), ("@spec", row.Spec), ("@status", row.Status),
                        ("@queued", row.QueuedAt), ("@started", row.StartedAt), ("@finished", row.FinishedAt), ("@error", row.Error));
                    await ExecAsync("INSERT INTO attempts (job_id, round, number, status, started_at, duration_ms, delay_ms, error) VALUES (@job, 0, 1, @status, @started, @duration, 0, @result);",
                        ("@job", row.JobId), ("@status", row.Status), ("@started", row.StartedAt ?? row.QueuedAt), ("@duration", row.DurationMs), ("@result", row.Result));
                    steps++;
                }
                else
                {
                    skipped++;
                }
            }

            foreach (var row in batch.Errors)
            {
                if (await ClaimAsync("error", row.LegacyKey))
                {
                    if (row.RunId is not null)
                    {
                        await EnsureRunAsync(row.RunId);
                    }

                    await ExecAsync("INSERT INTO findings (run_id, workstream_id, signature, tool, code, message, severity, count, first_seen, last_seen) " +
                                    "VALUES (@run, @ws, @sig, 'legacy', @code, @message, 'error', @count, @first, @last) " +
                                    "ON CONFLICT (run_id, signature) DO UPDATE SET count = findings.count + @count, " +
                                    "last_seen = CASE WHEN findings.last_seen > @last THEN findings.last_seen ELSE @last END;",
                        ("@run", row.RunId ?? ""), ("@ws", row.WorkstreamId), ("@sig", row.Signature), ("@code", row.Code), ("@message", row.Message),
                        ("@count", row.Count), ("@first", row.FirstSeen), ("@last", row.LastSeen));
                    errors++;
                }
                else
                {
                    skipped++;
                }
            }

            foreach (var row in batch.Events)
            {
                if (await ClaimAsync("event", row.LegacyKey))
                {
                    if (row.RunId is not null)
                    {
                        await EnsureRunAsync(row.RunId);
                    }

                    await ExecAsync("INSERT INTO events (ts, kind, run_id, workstream_id, data) VALUES (@ts, @kind, @run, @ws, @data);",
                        ("@ts", row.Timestamp), ("@kind", row.Kind), ("@run", row.RunId), ("@ws", row.WorkstreamId), ("@data", row.Data));
                    events++;
                }
                else
                {
                    skipped++;
                }
            }

            return new MigrationCounts(runs, workstreams, steps, errors, events, skipped);

            async Task<bool> ClaimAsync(string kind, string legacyId)
            {
                using var cmd = Command("INSERT INTO legacy_imports (kind, legacy_id, imported_at) VALUES (@kind, @id, @now) ON CONFLICT DO NOTHING;", tx);
                Bind(cmd, ("@kind", kind), ("@id", legacyId), ("@now", batch.ImportedAt));
                return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
            }

            // Workstreams and errors may name a run the runs table lacks; Orch keeps them under a stand-in run.
            Task EnsureRunAsync(string runId) =>
                ExecAsync("INSERT INTO runs (id, kind, source, status, stop_reason, created_at) VALUES (@id, 'legacy', @source, 'failed', 'legacy run without a runs row', @now) ON CONFLICT DO NOTHING;",
                    ("@id", runId), ("@source", batch.Source), ("@now", batch.ImportedAt));

            Task ExecAsync(string sql, params (string, object?)[] parameters) => ExecuteAsync(_connection, sql, cancellationToken, tx, parameters);
        }, cancellationToken);
}
