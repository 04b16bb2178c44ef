namespace Orch.Core.Storage;

/// <summary>The state database cannot be used: not a database, written by a newer Orch, or locked for too long.</summary>
public sealed class StateDatabaseException : Exception
{
    public StateDatabaseException(string path, string message, string hint, Exception? inner = null)
        : base(message, inner)
    {
        DatabasePath = path;
        Hint = hint;
    }

    public StateDatabaseException()
    {
        DatabasePath = "";
        Hint = "";
    }

    public StateDatabaseException(string message) : base(message)
    {
        DatabasePath = "";
        Hint = "";
    }

    public StateDatabaseException(string message, Exception innerException) : base(message, innerException)
    {
        DatabasePath = "";
        Hint = "";
    }

    public string DatabasePath { get; }

    public string Hint { get; }

    /// <summary>True when another process held the database locked past the busy timeout: the work failed, the input was fine.</summary>
    public bool IsLocked => InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 };
}
