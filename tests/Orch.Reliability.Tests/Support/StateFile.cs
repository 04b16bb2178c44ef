using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orch.Reliability.Tests.Support;

/// <summary>Reads a state database straight through SQLite, read-only, the way an operator would look at it.</summary>
internal static class StateFile
{
    /// <summary>The newest run, or <see langword="null"/> when there is none (a kill may come before the schema is even made).</summary>
    public static string? LatestRun(string database) =>
        File.Exists(database) && Scalar(database, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'runs';") == "1"
            && Scalar(database, "SELECT id FROM runs ORDER BY created_at DESC, id DESC LIMIT 1;") is { Length: > 0 } id ? id : null;

    public static string Scalar(string database, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>The file's bytes, for proving a refused database was not written.</summary>
    public static string Hash(string file) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));
}
