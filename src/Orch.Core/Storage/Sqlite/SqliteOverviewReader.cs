using System.Globalization;
using Orch.Core.Jobs;
using Orch.Core.Serialization;
using Orch.Core.Storage.Sql;
using SQLitePCL;

namespace Orch.Core.Storage.Sqlite;

/// <summary>
/// What <c>status</c> shows first (jobs by status, the latest runs), read from a current, healthy database through SQLite's
/// own API. Microsoft.Data.Sqlite's first connection costs about 20 ms (its connection-string parser and start-up), which
/// was most of what <c>status</c> took; this read costs about 5. It answers only when everything is as expected: a file
/// that is missing, older or newer, damaged, locked past the busy timeout or unreadable gets <see langword="null"/>, and
/// the caller opens the store as every other command does, which upgrades, refuses or explains as always.
/// </summary>
internal static class SqliteOverviewReader
{
    public static StoreOverview? TryRead(string path, int runLimit)
    {
        var full = Path.GetFullPath(path);
        var file = new FileInfo(full);
        if (!file.Exists)
        {
            return null;
        }

        Batteries_V2.Init();
        var opened = raw.sqlite3_open_v2(full, out var db, raw.SQLITE_OPEN_READONLY, null);
        using (db)
        {
            if (opened != raw.SQLITE_OK)
            {
                return null;
            }

            raw.sqlite3_busy_timeout(db, (int)SqliteStateStore.BusyTimeout.TotalMilliseconds);
            if (Scalar(db, "PRAGMA user_version;") != Migrations.LatestVersion.ToString(CultureInfo.InvariantCulture))
            {
                return null;
            }

            // The same check the store makes when a report opens a file this small.
            if (file.Length <= SqliteStateStore.ReadCheckBytes && Scalar(db, "PRAGMA quick_check(1);") != "ok")
            {
                return null;
            }

            try
            {
                var counts = new Dictionary<JobStatus, int>();
                var runs = new List<RunRecord>();
                var read = Rows(db, SqlStateStore.JobCountsSql,
                        row => counts[OrchJson.ParseEnum<JobStatus>(Text(row, 0)!)] = raw.sqlite3_column_int(row, 1))
                    && Rows(db, $"{SqlStateStore.RunColumnsSql} {SqlStateStore.LatestRunsOrder} LIMIT {runLimit.ToString(CultureInfo.InvariantCulture)};",
                        row => runs.Add(new RunRecord(Text(row, 0)!, Text(row, 1)!, Text(row, 2), OrchJson.ParseEnum<RunStatus>(Text(row, 3)!), Text(row, 4),
                            SqlStateStore.ParseTime(Text(row, 5)!), Time(row, 6))
                        {
                            CancelRequestedAt = Time(row, 7),
                        }));
                return read ? new StoreOverview(counts, runs) : null;
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or NullReferenceException)
            {
                // A value this Orch cannot read: the store reports it as it would for any command.
                return null;
            }
        }
    }

    private static string? Text(sqlite3_stmt row, int column) =>
        raw.sqlite3_column_type(row, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(row, column).utf8_to_string();

    private static DateTimeOffset? Time(sqlite3_stmt row, int column) => Text(row, column) is { } text ? SqlStateStore.ParseTime(text) : null;

    private static string? Scalar(sqlite3 db, string sql)
    {
        string? value = null;
        return Rows(db, sql, row => value ??= Text(row, 0)) ? value : null;
    }

    /// <summary>Runs <paramref name="sql"/>, calling <paramref name="read"/> per row; <see langword="false"/> on any error SQLite returns.</summary>
    private static bool Rows(sqlite3 db, string sql, Action<sqlite3_stmt> read)
    {
        var prepared = raw.sqlite3_prepare_v2(db, sql, out var statement);
        using (statement)
        {
            if (prepared != raw.SQLITE_OK)
            {
                return false;
            }

            while (true)
            {
                switch (raw.sqlite3_step(statement))
                {
                    case raw.SQLITE_ROW:
                        read(statement);
                        break;
                    case raw.SQLITE_DONE:
                        return true;
                    default:
                        return false;
                }
            }
        }
    }
}

/// <summary>Jobs by status and the latest runs: the overview of <c>status</c>.</summary>
internal sealed record StoreOverview(IReadOnlyDictionary<JobStatus, int> JobCounts, IReadOnlyList<RunRecord> Runs);
