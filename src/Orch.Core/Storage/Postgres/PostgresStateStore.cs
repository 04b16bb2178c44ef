using System.Data;
using System.Data.Common;
using System.Globalization;
using Npgsql;
using Orch.Core.Storage.Sql;

namespace Orch.Core.Storage.Postgres;

/// <summary>
/// The PostgreSQL state store, for workers on many hosts: the same statements as SQLite's (<see cref="SqlStateStore"/>),
/// claims that skip rows another worker holds, leases judged by the server's clock, and LISTEN/NOTIFY so idle workers
/// hear of new jobs at once. A dropped connection is opened again on the next call; until then calls fail with
/// <see cref="StateDatabaseFault.Unavailable"/>, which callers retry.
/// </summary>
public sealed class PostgresStateStore : SqlStateStore
{
    private const string Channel = "orch_jobs";

    // pg_advisory locks Orch takes, by purpose.
    private const long MigrationLock = 0x4f52_4348_0001;
    private const long EventOrderLock = 0x4f52_4348_0002;

    private readonly NpgsqlDataSource _source;
    private readonly CancellationTokenSource _stopListening = new();
    private readonly object _wakeGate = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _listening;

    private PostgresStateStore(NpgsqlConnection connection, NpgsqlDataSource source, TimeProvider time, string display)
        : base(connection, time, display)
    {
        _source = source;
    }

    /// <summary>True for a <c>postgres://</c> or <c>postgresql://</c> address.</summary>
    public static bool IsAddress(string? text) => PostgresAddress.IsAddress(text);

    /// <summary>The address as Orch prints it: without its password.</summary>
    public static string Display(string address) => PostgresAddress.Redact(address);

    /// <summary>Connects, and creates or upgrades Orch's tables under a lock so that many workers may start at once.</summary>
    /// <exception cref="StateDatabaseException">The address is wrong, the server refuses or is out of reach, or a newer Orch wrote the schema.</exception>
    /// <param name="address">The <c>postgres://</c> address.</param>
    /// <param name="time">The clock for the store's own timestamps.</param>
    /// <param name="readOnly">Every transaction read-only, for hosts that must not write (the dashboard); the schema must be current.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    public static async Task<PostgresStateStore> OpenAsync(string address, TimeProvider time, bool readOnly, CancellationToken cancellationToken)
    {
        var target = PostgresAddress.Parse(address, readOnly);
        var source = NpgsqlDataSource.Create(target.ConnectionString);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await source.OpenConnectionAsync(cancellationToken);
            await MigrateAsync(connection, target.Display, time, readOnly, cancellationToken);
            return new PostgresStateStore(connection, source, time, target.Display);
        }
        catch (Exception ex) when (ex is NpgsqlException or StateDatabaseException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            await source.DisposeAsync();
            throw ex is NpgsqlException npgsql ? PostgresFaults.Describe(npgsql, target.Display) ?? PostgresFaults.Unavailable(target.Display, npgsql.Message, npgsql) : ex;
        }
    }

    /// <summary>The schema version of the database.</summary>
    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync(async () => Convert.ToInt32(await ScalarAsync(Connection, "SELECT COALESCE(MAX(version), 0) FROM orch_schema;", cancellationToken),
            CultureInfo.InvariantCulture), cancellationToken);

    private static async Task MigrateAsync(NpgsqlConnection connection, string display, TimeProvider time, bool readOnly, CancellationToken cancellationToken)
    {
        if (readOnly)
        {
            var current = Convert.ToInt32(await ScalarAsync(connection,
                "SELECT CASE WHEN to_regclass('orch_schema') IS NULL THEN 0 ELSE (SELECT COALESCE(MAX(version), 0) FROM orch_schema) END;", cancellationToken),
                CultureInfo.InvariantCulture);
            if (current != PostgresMigrations.All.Count)
            {
                throw new StateDatabaseException(display, $"{display} has schema version {current}; this Orch reads version {PostgresMigrations.All.Count} and may not change it here.",
                    "Run any other dotnet orch command on it once (it brings the schema up to date), then open this again.", null, StateDatabaseFault.ReadOnly);
            }

            return;
        }

        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        // One process migrates; the others wait here and then find the work done.
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLock});", cancellationToken, tx);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS orch_schema (version INTEGER NOT NULL, applied_at TEXT NOT NULL);", cancellationToken, tx);
        var version = Convert.ToInt32(await ScalarAsync(connection, "SELECT COALESCE(MAX(version), 0) FROM orch_schema;", cancellationToken, tx), CultureInfo.InvariantCulture);
        var migrations = PostgresMigrations.All;
        if (version > migrations.Count)
        {
            throw new StateDatabaseException(display, $"{display} has schema version {version}, newer than this Orch understands (version {migrations.Count}).",
                "Upgrade Orch on this host (dotnet tool update -g Orch.Tool): every worker of one database runs the same Orch.", null, StateDatabaseFault.NewerSchema);
        }

        for (; version < migrations.Count; version++)
        {
            await ExecuteAsync(connection, migrations[version], cancellationToken, tx);
            await ExecuteAsync(connection, "INSERT INTO orch_schema (version, applied_at) VALUES (@v, @at);", cancellationToken, tx,
                ("@v", version + 1), ("@at", Text(time.GetUtcNow())));
        }

        await tx.CommitAsync(cancellationToken);
    }

    private protected override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    private protected override string ShareLock => " FOR SHARE";

    private protected override string NowMillis => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    private protected override DbTransaction BeginWrite() => ((NpgsqlConnection)Connection).BeginTransaction(IsolationLevel.ReadCommitted);

    // Event ids come from a sequence, which hands them out before commit: writers take turns so that ids commit in
    // order, and a reader following "after id N" never skips one that commits late.
    private protected override Task BeganWriteAsync(DbTransaction tx, CancellationToken cancellationToken) =>
        ExecuteAsync(Connection, $"SELECT pg_advisory_xact_lock({EventOrderLock});", cancellationToken, tx);

    private protected override async Task EnsureOpenAsync(CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)Connection;
        if (connection.FullState is ConnectionState.Open)
        {
            return;
        }

        // Dropped (a restart, pg_terminate_backend, a network cut): open it again; if that fails the caller retries later.
        await connection.CloseAsync();
        await connection.OpenAsync(cancellationToken);
    }

    private protected override StateDatabaseException? Describe(DbException exception) =>
        exception is NpgsqlException npgsql ? PostgresFaults.Describe(npgsql, DatabasePath) : null;

    private protected override Task OnJobsQueuedAsync(DbTransaction tx, CancellationToken cancellationToken) =>
        ExecuteAsync(Connection, $"SELECT pg_notify('{Channel}', '');", cancellationToken, tx);

    /// <summary>
    /// Waits for a NOTIFY of new jobs, or <paramref name="max"/>: one listening connection per store, shared by every
    /// worker slot, which a background loop keeps open (again after a drop, with backoff); while it is down, this polls.
    /// </summary>
    public override async Task WaitForJobsAsync(TimeSpan max, CancellationToken cancellationToken)
    {
        _listening ??= Task.Run(() => ListenAsync(_stopListening.Token), CancellationToken.None);
        Task woken;
        lock (_wakeGate)
        {
            woken = _wake.Task;
        }

        await Task.WhenAny(woken, Task.Delay(max, _time, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var listener = await _source.OpenConnectionAsync(stop);
                listener.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel};", listener))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }

                failures = 0;
                // Jobs may have been queued while nobody listened.
                Wake();
                while (!stop.IsCancellationRequested)
                {
                    await listener.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException or TimeoutException)
            {
                // Dropped or refused: workers poll meanwhile; try again, less often the longer it lasts.
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250 * (1 << Math.Min(failures++, 4)), 4000)), _time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Wake()
    {
        lock (_wakeGate)
        {
            _wake.TrySetResult();
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public override async Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken)
    {
        // A session lock on a connection of its own: held across the merge's git work, and gone if this process dies.
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _source.OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtextextended(@name, 0));", cancellationToken, null, ("@name", name));
            return new SessionLock(connection, name);
        }
        catch (NpgsqlException ex)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            throw PostgresFaults.Describe(ex, DatabasePath) ?? PostgresFaults.Unavailable(DatabasePath, ex.Message, ex);
        }
    }

    private sealed class SessionLock(NpgsqlConnection connection, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtextextended(@name, 0));", CancellationToken.None, null, ("@name", name));
            }
            catch (NpgsqlException)
            {
                // Closing the session below releases it as well.
            }

            await connection.DisposeAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _stopListening.CancelAsync();
        if (_listening is not null)
        {
            await _listening;
        }

        _stopListening.Dispose();
        await base.DisposeAsync();
        await _source.DisposeAsync();
    }
}
