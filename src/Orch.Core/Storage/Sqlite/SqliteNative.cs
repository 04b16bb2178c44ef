using System.Runtime.InteropServices;
using System.Text;

namespace Orch.Core.Storage.Sqlite;

/// <summary>
/// A read-only connection through SQLite's C API itself, called by function pointer: the library Orch ships
/// (<c>e_sqlite3</c>) with no wrapper between. Made for the one read of <c>status</c>: SQLitePCL.raw's start-up (its
/// provider, and the marshalling stubs the runtime generates for each of its calls) cost about 8 of the 10 ms that
/// <c>status</c> spent on the database; these calls take plain pointers and need no stub.
/// </summary>
internal sealed unsafe class SqliteNative : IDisposable
{
    private const int Ok = 0;
    private const int OpenReadOnly = 0x1;

    /// <summary>What <see cref="Step"/> returns when a row is ready.</summary>
    public const int Row = 100;

    /// <summary>What <see cref="Step"/> returns when the statement is done.</summary>
    public const int Done = 101;

    private const int Null = 5;

    private static readonly Api? Functions = Load();

    private readonly nint _db;
    private nint _statement;

    private SqliteNative(nint db) => _db = db;

    /// <summary>Opens <paramref name="path"/> read-only; <see langword="null"/> when the library or the file cannot be opened.</summary>
    public static SqliteNative? Open(string path, TimeSpan busyTimeout)
    {
        if (Functions is not { } api)
        {
            return null;
        }

        nint db = 0;
        fixed (byte* name = Utf8(path))
        {
            if (api.Open(name, &db, OpenReadOnly, null) != Ok)
            {
                api.Close(db);
                return null;
            }
        }

        api.BusyTimeout(db, (int)busyTimeout.TotalMilliseconds);
        return new SqliteNative(db);
    }

    /// <summary>Prepares <paramref name="sql"/> as the connection's one statement; <see langword="false"/> on any error.</summary>
    public bool Prepare(string sql)
    {
        Finish();
        nint statement = 0;
        fixed (byte* text = Utf8(sql))
        {
            var prepared = Functions!.Prepare(_db, text, -1, &statement, null);
            _statement = statement;
            return prepared == Ok && statement != 0;
        }
    }

    /// <summary>Steps the statement: <see cref="Row"/>, <see cref="Done"/> or an error code.</summary>
    public int Step() => Functions!.Step(_statement);

    /// <summary>The row's text in <paramref name="column"/>, <see langword="null"/> for SQL NULL.</summary>
    public string? Text(int column)
    {
        if (Functions!.ColumnType(_statement, column) == Null)
        {
            return null;
        }

        var text = Functions.ColumnText(_statement, column);
        return text is null ? "" : Encoding.UTF8.GetString(text, Functions.ColumnBytes(_statement, column));
    }

    /// <summary>The row's integer in <paramref name="column"/>.</summary>
    public int Int(int column) => Functions!.ColumnInt(_statement, column);

    public void Dispose()
    {
        Finish();
        Functions!.Close(_db);
    }

    private void Finish()
    {
        if (_statement != 0)
        {
            Functions!.Finalize(_statement);
            _statement = 0;
        }
    }

    private static byte[] Utf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    // The library as the runtime finds it for SQLitePCL.raw's own imports (the app's folder, or its runtimes/RID/native).
    private static Api? Load()
    {
        try
        {
            if (!NativeLibrary.TryLoad("e_sqlite3", typeof(SqliteNative).Assembly, null, out var library))
            {
                return null;
            }

            return new Api
            {
                Open = (delegate* unmanaged<byte*, nint*, int, byte*, int>)NativeLibrary.GetExport(library, "sqlite3_open_v2"),
                Close = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "sqlite3_close_v2"),
                BusyTimeout = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(library, "sqlite3_busy_timeout"),
                Prepare = (delegate* unmanaged<nint, byte*, int, nint*, byte**, int>)NativeLibrary.GetExport(library, "sqlite3_prepare_v2"),
                Step = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "sqlite3_step"),
                Finalize = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "sqlite3_finalize"),
                ColumnType = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(library, "sqlite3_column_type"),
                ColumnText = (delegate* unmanaged<nint, int, byte*>)NativeLibrary.GetExport(library, "sqlite3_column_text"),
                ColumnBytes = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(library, "sqlite3_column_bytes"),
                ColumnInt = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(library, "sqlite3_column_int"),
            };
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    private sealed class Api
    {
        public required delegate* unmanaged<byte*, nint*, int, byte*, int> Open { get; init; }
        public required delegate* unmanaged<nint, int> Close { get; init; }
        public required delegate* unmanaged<nint, int, int> BusyTimeout { get; init; }
        public required delegate* unmanaged<nint, byte*, int, nint*, byte**, int> Prepare { get; init; }
        public required delegate* unmanaged<nint, int> Step { get; init; }
        public required delegate* unmanaged<nint, int> Finalize { get; init; }
        public required delegate* unmanaged<nint, int, int> ColumnType { get; init; }
        public required delegate* unmanaged<nint, int, byte*> ColumnText { get; init; }
        public required delegate* unmanaged<nint, int, int> ColumnBytes { get; init; }
        public required delegate* unmanaged<nint, int, int> ColumnInt { get; init; }
    }
}
