using System.Globalization;
using Orch.Core.Jobs;
using Orch.Core.Serialization;
using Orch.Core.Storage.Sql;

namespace Orch.Core.Storage.Sqlite;

/// <summary>
/// What <c>status</c> shows first (jobs by status, the latest runs), read from a current, healthy database through SQLite's
/// own C API (<see cref="SqliteNative"/>). Microsoft.Data.Sqlite's first connection costs about 20 ms (its connection-string
/// parser and start-up), which was most of what <c>status</c> took. It answers only when everything is as expected: a file
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

        using var db = SqliteNative.Open(full, SqliteStateStore.BusyTimeout);
        if (db is null)
        {
            return null;
        }

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
            var counts = new List<JobCount>();
            var runs = new List<RunRecord>();
            var read = Rows(db, SqlStateStore.JobCountsSql,
                    row => counts.Add(new JobCount(OrchJson.ParseEnum<JobStatus>(row.Text(0)!), row.Int(1))))
                && Rows(db, $"{SqlStateStore.RunColumnsSql} {SqlStateStore.LatestRunsOrder} LIMIT {runLimit.ToString(CultureInfo.InvariantCulture)};",
                    row => runs.Add(new RunRecord(row.Text(0)!, row.Text(1)!, row.Text(2), OrchJson.ParseEnum<RunStatus>(row.Text(3)!), row.Text(4),
                        SqlStateStore.ParseTime(row.Text(5)!), Time(row, 6))
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

    private static DateTimeOffset? Time(SqliteNative row, int column) => row.Text(column) is { } text ? SqlStateStore.ParseTime(text) : null;

    private static string? Scalar(SqliteNative db, string sql)
    {
        string? value = null;
        return Rows(db, sql, row => value ??= row.Text(0)) ? value : null;
    }

    /// <summary>Runs <paramref name="sql"/>, calling <paramref name="read"/> per row; <see langword="false"/> on any error SQLite returns.</summary>
    private static bool Rows(SqliteNative db, string sql, Action<SqliteNative> read)
    {
        if (!db.Prepare(sql))
        {
            return false;
        }

        while (true)
        {
            switch (db.Step())
            {
                case SqliteNative.Row:
                    read(db);
                    break;
                case SqliteNative.Done:
                    return true;
                default:
                    return false;
            }
        }
    }
}

/// <summary>Jobs by status and the latest runs: the overview of <c>status</c>.</summary>
internal sealed record StoreOverview(IReadOnlyList<JobCount> JobCounts, IReadOnlyList<RunRecord> Runs);
