using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orch.Reliability.Tests.Support;

/// <summary>Reads a state database straight through SQLite, read-only, the way an operator would look at it.</summary>
internal static class StateFile
{
    public static string? LatestRun(string database) =>
        File.Exists(database) ? Scalar(database, "SELECT id FROM runs ORDER BY created_at DESC, id DESC LIMIT 1;") is { Length: > 0 } id ? id : null : null;

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
