using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Orch.Core.Storage.Sql;

/// <summary>
/// A store's command for one SQL text, lent for one use: disposing it gives the command, with its prepared statement,
/// back to <see cref="CommandPool"/> for the next use of the same text. Preparing was about a third of SQLite's work
/// per queued job (parsing and planning the same few statements again), and creating the ADO.NET command more.
/// </summary>
internal sealed class ReusedCommand(DbCommand inner, CommandPool pool) : DbCommand
{
    private bool _returned;

    /// <summary>The command lent, which goes back to the pool.</summary>
    internal DbCommand Inner => inner;

    [AllowNull]
    public override string CommandText
    {
        get => inner.CommandText;
        set => throw new NotSupportedException("A reused command keeps its SQL; ask the store for a command with the other text.");
    }

    public override int CommandTimeout { get => inner.CommandTimeout; set => inner.CommandTimeout = value; }

    public override CommandType CommandType { get => inner.CommandType; set => inner.CommandType = value; }

    public override bool DesignTimeVisible { get => inner.DesignTimeVisible; set => inner.DesignTimeVisible = value; }

    public override UpdateRowSource UpdatedRowSource { get => inner.UpdatedRowSource; set => inner.UpdatedRowSource = value; }

    protected override DbConnection? DbConnection { get => inner.Connection; set => throw new NotSupportedException("A reused command stays on its store's connection."); }

    protected override DbParameterCollection DbParameterCollection => inner.Parameters;

    protected override DbTransaction? DbTransaction { get => inner.Transaction; set => inner.Transaction = value; }

    public override void Cancel() => inner.Cancel();

    public override int ExecuteNonQuery() => inner.ExecuteNonQuery();

    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => inner.ExecuteNonQueryAsync(cancellationToken);

    public override object? ExecuteScalar() => inner.ExecuteScalar();

    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) => inner.ExecuteScalarAsync(cancellationToken);

    public override void Prepare() => inner.Prepare();

    protected override DbParameter CreateDbParameter() => inner.CreateParameter();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => inner.ExecuteReader(behavior);

    protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        inner.ExecuteReaderAsync(behavior, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_returned)
        {
            _returned = true;
            pool.Return(inner);
        }

        base.Dispose(disposing);
    }
}

/// <summary>The commands of one connection, kept by SQL text: one per text and concurrent use, never shared between two uses at once.</summary>
internal sealed class CommandPool(DbConnection connection) : IDisposable
{
    private readonly Dictionary<string, Stack<DbCommand>> _free = new(StringComparer.Ordinal);

    public DbCommand Rent(string sql, DbTransaction? tx)
    {
        DbCommand? command = null;
        lock (_free)
        {
            if (_free.TryGetValue(sql, out var free) && free.Count > 0)
            {
                command = free.Pop();
            }
        }

        if (command is null)
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
        }

        command.Transaction = tx;
        command.Parameters.Clear();
        return new ReusedCommand(command, this);
    }

    public void Return(DbCommand command)
    {
        command.Transaction = null;
        lock (_free)
        {
            if (!_free.TryGetValue(command.CommandText, out var free))
            {
                _free[command.CommandText] = free = new Stack<DbCommand>(1);
            }

            free.Push(command);
        }
    }

    public void Dispose()
    {
        lock (_free)
        {
            foreach (var command in _free.Values.SelectMany(free => free))
            {
                command.Dispose();
            }

            _free.Clear();
        }
    }
}
