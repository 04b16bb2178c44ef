using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Orch.Core.Storage.Sql;

namespace Orch.Core.Storage.Sqlite;

/// <summary>
/// The SQLite state store, the default: one file per repository. Several processes share it through WAL mode, a busy
/// timeout and IMMEDIATE write transactions, so a read-then-write never fails with SQLITE_BUSY half-way. A damaged,
/// newer or read-only file is refused with what to do; the statements themselves are <see cref="SqlStateStore"/>'s.
/// </summary>
public sealed class SqliteStateStore : SqlStateStore
{
    private SqliteStateStore(SqliteConnection connection, TimeProvider time, string path, bool readOnly)
        : base(connection, time, path, reuseCommands: true)
    {
        IsReadOnly = readOnly;
    }

    /// <summary>True when the file or its folder cannot be written: reads work, and every write is refused with <see cref="StateDatabaseFault.ReadOnly"/>.</summary>
    public bool IsReadOnly { get; }

    private protected override string SkipLocked => "";

    private protected override string NowMillis => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    // IMMEDIATE takes the write lock up front, so the busy timeout applies to the whole transaction.
    private protected override DbTransaction BeginWrite() => ((SqliteConnection)Connection).BeginTransaction(deferred: false);

    private protected override StateDatabaseException? Describe(DbException exception) =>
        exception is SqliteException sqlite ? SqliteFaults.Describe(sqlite, DatabasePath) : null;

    public override async Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken)
    {
        // A file beside the database, held open without sharing (flock): the lock goes with the process that holds it. The file
        // stays: deleting it on release would let two processes lock two different files of one name.
        var folder = $"{DatabasePath}.locks";
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..16] + ".lock");
        while (true)
        {
            try
            {
                return new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
            }
        }
    }

    /// <summary>How long a writer waits for another process's lock. The default value is 30 seconds.</summary>
    public static TimeSpan BusyTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and brings its schema up to date.</summary>
    /// <exception cref="StateDatabaseException">The file is not an Orch database, or a newer Orch wrote it.</exception>
    public static Task<SqliteStateStore> OpenAsync(string path, TimeProvider time, CancellationToken cancellationToken) =>
        OpenAsync(path, time, Migrations.All, cancellationToken);

    /// <summary>Opens the database for commands that only read it (reports): the check on open is kept to small files, so reports stay fast.</summary>
    public static Task<SqliteStateStore> OpenForReadingAsync(string path, TimeProvider time, CancellationToken cancellationToken) =>
        OpenAsync(path, time, Migrations.All, cancellationToken, ReadCheckBytes);

    /// <summary>
    /// Opens an existing database with a read-only connection whatever the file allows, for hosts that must never write
    /// (the dashboard): every write is refused by SQLite itself.
    /// </summary>
    public static async Task<SqliteStateStore> OpenReadOnlyAsync(string path, TimeProvider time, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw SqliteFaults.Folder(full);
        }

        try
        {
            return new SqliteStateStore(await OpenReadOnlyAsync(full, Migrations.All, ReadCheckBytes, cancellationToken), time, full, readOnly: true);
        }
        catch (SqliteException ex) when (SqliteFaults.Describe(ex, full) is { } fault)
        {
            throw fault;
        }
    }

    internal static async Task<SqliteStateStore> OpenAsync(string path, TimeProvider time, IReadOnlyList<string> migrations, CancellationToken cancellationToken,
        long? checkUpTo = null)
    {
        var checkBytes = checkUpTo ?? CheckOnOpenBytes;
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw SqliteFaults.Folder(full);
        }

        var exists = File.Exists(full);
        if (!exists)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        }

        try
        {
            var connection = await OpenWritableAsync(full, exists, migrations, checkBytes, cancellationToken);
            DiskReserve.Ensure(full);
            return new SqliteStateStore(connection, time, full, readOnly: false);
        }
        catch (SqliteException ex) when (exists && SqliteFaults.IsReadOnly(ex))
        {
            // A read-only file, folder or mount: reading still works, so status and the other reports do.
            return new SqliteStateStore(await OpenReadOnlyAsync(full, migrations, checkBytes, cancellationToken), time, full, readOnly: true);
        }
        catch (SqliteException ex) when (SqliteFaults.Describe(ex, full) is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>
    /// Files up to this size are checked with <c>PRAGMA quick_check</c> each time a command that writes opens them
    /// (about 7 ms per MiB), so a damaged file is refused before anything is written to it; larger ones are refused at
    /// the first damaged page SQLite meets. The default value is 64 MiB.
    /// </summary>
    public static long CheckOnOpenBytes { get; } = 64L * 1024 * 1024;

    /// <summary>The same for commands that only read. The default value is 4 MiB, so that reports stay fast on a large history.</summary>
    public static long ReadCheckBytes { get; } = 4L * 1024 * 1024;

    private static async Task<SqliteConnection> OpenWritableAsync(string full, bool exists, IReadOnlyList<string> migrations, long checkBytes,
        CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};", cancellationToken);
            await RefuseNewerSchemaAsync(connection, full, migrations, cancellationToken);
            if (exists)
            {
                await RefuseDamageAsync(connection, full, checkBytes, cancellationToken);
            }

            // After the checks: switching to WAL rewrites the file header, and a refused file stays as it was.
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", cancellationToken);
            await MigrateAsync(connection, migrations, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<SqliteConnection> OpenReadOnlyAsync(string full, IReadOnlyList<string> migrations, long checkBytes, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenReadOnlyAsync(full, full, migrations, checkBytes, cancellationToken);
        }
        catch (SqliteException ex) when (SqliteFaults.IsReadOnly(ex))
        {
            // A WAL database whose folder is read-only and has no -shm file opens only as immutable: nobody can write it anyway.
            return await OpenReadOnlyAsync(full, new Uri(full).AbsoluteUri + "?immutable=1", migrations, checkBytes, cancellationToken);
        }
    }

    private static async Task<SqliteConnection> OpenReadOnlyAsync(string full, string source, IReadOnlyList<string> migrations, long checkBytes,
        CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};", cancellationToken);
            await RefuseNewerSchemaAsync(connection, full, migrations, cancellationToken);
            await RefuseDamageAsync(connection, full, checkBytes, cancellationToken);
            var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture);
            if (version < migrations.Count)
            {
                throw new StateDatabaseException(full, $"{full} is read-only and was written by an older Orch (schema {version}, this Orch reads {migrations.Count}).",
                    "Open it once with write access so Orch can upgrade it, or point --db at an upgraded copy.", null, StateDatabaseFault.ReadOnly);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task RefuseDamageAsync(SqliteConnection connection, string full, long checkBytes, CancellationToken cancellationToken)
    {
        if (new FileInfo(full).Length > checkBytes)
        {
            return;
        }

        var result = Convert.ToString(await ScalarAsync(connection, "PRAGMA quick_check(1);", cancellationToken), CultureInfo.InvariantCulture);
        if (!string.Equals(result, "ok", StringComparison.Ordinal))
        {
            throw SqliteFaults.CorruptFile(full, $"quick_check: {result}");
        }
    }

    private static async Task RefuseNewerSchemaAsync(SqliteConnection connection, string path, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture);
        if (version > migrations.Count)
        {
            throw new StateDatabaseException(path,
                $"{path} has schema version {version}, newer than this Orch understands (version {migrations.Count}).",
                "Upgrade Orch (dotnet tool update -g Orch.Tool), or use another database with --db.");
        }
    }

    private static async Task MigrateAsync(SqliteConnection connection, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture);

        while (version < migrations.Count)
        {
            using var tx = connection.BeginTransaction(deferred: false);
            // Re-read inside the write lock: another process may have migrated meanwhile.
            version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken, tx), CultureInfo.InvariantCulture);
            if (version >= migrations.Count)
            {
                await tx.RollbackAsync(cancellationToken);
                break;
            }

            await ExecuteAsync(connection, migrations[version], cancellationToken, tx);
            await ExecuteAsync(connection, $"PRAGMA user_version = {version + 1};", cancellationToken, tx);
            await tx.CommitAsync(cancellationToken);
            version++;
        }
    }

    /// <summary>The schema version of the open database.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        await WithConnectionAsync(async () =>
            Convert.ToInt32(await ScalarAsync(Connection, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture), cancellationToken);

    private protected override async Task<T> WriteAsync<T>(Func<DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        if (IsReadOnly)
        {
            throw SqliteFaults.ReadOnlyFile(DatabasePath);
        }

        try
        {
            return await base.WriteAsync(work, cancellationToken);
        }
        catch (StateDatabaseException ex) when (ex.Fault == StateDatabaseFault.DiskFull && DiskReserve.Release(DatabasePath))
        {
            // The disk filled up: the space kept aside lets this write (a job's result, say) still be recorded.
            return await base.WriteAsync(work, cancellationToken);
        }
    }
}
