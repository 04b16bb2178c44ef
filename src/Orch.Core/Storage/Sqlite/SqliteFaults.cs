using Microsoft.Data.Sqlite;

namespace Orch.Core.Storage.Sqlite;

/// <summary>Turns SQLite's error codes into what a person can act on; the codes are SQLite's primary result codes.</summary>
internal static class SqliteFaults
{
    private const int Busy = 5, Locked = 6, ReadOnly = 8, IoError = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADb = 26;

    public static bool IsReadOnly(SqliteException ex) => ex.SqliteErrorCode is ReadOnly or CantOpen;

    /// <summary>The fault behind <paramref name="ex"/>, or <see langword="null"/> when it is none of these (a bug to report).</summary>
    public static StateDatabaseException? Describe(SqliteException ex, string path) => ex.SqliteErrorCode switch
    {
        Busy or Locked => new StateDatabaseException(path, $"{path} stayed locked by another process for {SqliteStateStore.BusyTimeout.TotalSeconds:0} seconds.",
            "Wait for the other dotnet orch process to finish, or check for a stuck process holding the file. Nothing stored was lost.", ex, StateDatabaseFault.Locked),
        Corrupt => CorruptFile(path, ex.Message, ex),
        NotADb => new StateDatabaseException(path, $"{path} is not an Orch state database ({Detail(ex)}).",
            "Point --db or ORCH_DB at another file, or move this one away so Orch can create a new database.", ex, StateDatabaseFault.NotADatabase),
        ReadOnly or CantOpen => ReadOnlyFile(path, ex),
        Full or IoError => new StateDatabaseException(path, $"{path} could not be written: {Detail(ex)}.",
            "Free some disk space (or fix the device), then run the command again; `dotnet orch resume RUN` continues a run. Everything recorded before stays recorded.",
            ex, StateDatabaseFault.DiskFull),
        _ => null,
    };

    /// <summary>
    /// A folder named where the database file belongs: SQLite cannot open it, would call it read-only, and reports read
    /// it as no database at all.
    /// </summary>
    public static StateDatabaseException Folder(string path) =>
        new(path, $"{path} is a folder, not a database file.",
            $"Point --db or ORCH_DB at a file, for example {Path.Combine(path, "state.db")} (Orch creates it), or leave both unset for the repository's .orch/state.db.",
            null, StateDatabaseFault.NotADatabase);

    public static StateDatabaseException CorruptFile(string path, string detail, Exception? inner = null) =>
        new(path, $"{path} is damaged ({string.Join("; ", detail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.')}); Orch will neither read nor write it.",
            $"Stop every dotnet orch process and copy {Path.GetFileName(path)} with its -wal and -shm files somewhere safe (the -wal file holds the latest commits). " +
            $"Then recover what SQLite can still read: `sqlite3 {path} .recover | sqlite3 {path}.recovered`, check the copy with " +
            $"`sqlite3 {path}.recovered 'PRAGMA integrity_check'` and move it into place; or restore a backup; or move the file away to start afresh.",
            inner, StateDatabaseFault.Corrupt);

    public static StateDatabaseException ReadOnlyFile(string path, Exception? inner = null) =>
        new(path, $"{path} is read-only here: Orch can read it but not record work in it.",
            $"Give write access to {path} and its folder (SQLite writes -wal and -shm files beside it), or point --db or ORCH_DB at a writable copy. " +
            "status, events, costs and job list still work on a read-only database.",
            inner, StateDatabaseFault.ReadOnly);

    private static string Detail(SqliteException ex) => ex.Message.Replace("SQLite Error ", "SQLite error ", StringComparison.Ordinal).TrimEnd('.');
}
