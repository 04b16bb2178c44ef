namespace Orch.Core.Storage;

/// <summary>Why the state database cannot be used.</summary>
public enum StateDatabaseFault
{
    /// <summary>The file is not a SQLite database, or the server database is not Orch's.</summary>
    NotADatabase,

    /// <summary>A newer Orch wrote it.</summary>
    NewerSchema,

    /// <summary>Another process held it locked past the busy timeout.</summary>
    Locked,

    /// <summary>SQLite found damaged pages.</summary>
    Corrupt,

    /// <summary>The file or its folder cannot be written; Orch can only read it.</summary>
    ReadOnly,

    /// <summary>The disk is full, or the system refused a write.</summary>
    DiskFull,

    /// <summary>The database server is out of reach: refused, restarting, or the connection dropped.</summary>
    Unavailable,
}

/// <summary>The state database cannot be used: not a database, written by a newer Orch, locked, damaged, read-only or on a full disk.</summary>
public sealed class StateDatabaseException : Exception
{
    public StateDatabaseException(string path, string message, string hint, Exception? inner = null, StateDatabaseFault fault = StateDatabaseFault.NotADatabase)
        : base(message, inner)
    {
        DatabasePath = path;
        Hint = hint;
        Fault = fault;
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

    public StateDatabaseFault Fault { get; }

    /// <summary>True when the work failed while the input was fine: a lock held too long, a full disk, a server out of reach.</summary>
    public bool IsTransient => Fault is StateDatabaseFault.Locked or StateDatabaseFault.DiskFull or StateDatabaseFault.Unavailable;
}
