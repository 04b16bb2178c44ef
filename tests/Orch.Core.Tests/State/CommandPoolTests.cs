using Microsoft.Data.Sqlite;
using Orch.Core.Storage.Sql;

namespace Orch.Core.Tests.State;

[TestClass]
public sealed class CommandPoolTests
{
    [TestMethod]
    public async Task Rent_TheSameSqlAfterAUse_LendsTheSameCommand_ButNeverOneThatIsStillInUse()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        using var pool = new CommandPool(connection);

        System.Data.Common.DbCommand first;
        using (var command = (ReusedCommand)pool.Rent("SELECT @x + 1;", null))
        {
            first = command.Inner;
            command.Parameters.Add(new SqliteParameter("@x", 41));
            Assert.AreEqual(42L, await command.ExecuteScalarAsync());
            using var nested = (ReusedCommand)pool.Rent("SELECT @x + 1;", null);
            Assert.AreNotSame(first, nested.Inner, "a command in use is not lent again");
        }

        using var again = (ReusedCommand)pool.Rent("SELECT @x + 1;", null);
        Assert.AreSame(first, again.Inner, "the command, with its prepared statement, is reused");
        Assert.IsEmpty(again.Parameters, "the last use's parameters are gone");
        again.Parameters.Add(new SqliteParameter("@x", 1));
        Assert.AreEqual(2L, await again.ExecuteScalarAsync());
        Assert.ThrowsExactly<NotSupportedException>(() => again.CommandText = "SELECT 2;");
    }

    [TestMethod]
    public async Task Rent_InOneTransactionAfterAnother_RunsInTheTransactionItWasLentFor()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        using var pool = new CommandPool(connection);
        using (var create = pool.Rent("CREATE TABLE t (x INTEGER);", null))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach (var commit in new[] { true, false, true })
        {
            using var tx = connection.BeginTransaction();
            using (var insert = pool.Rent("INSERT INTO t VALUES (1);", tx))
            {
                await insert.ExecuteNonQueryAsync();
            }

            if (commit)
            {
                tx.Commit();
            }
            else
            {
                tx.Rollback();
            }
        }

        using var count = pool.Rent("SELECT count(*) FROM t;", null);
        Assert.AreEqual(2L, await count.ExecuteScalarAsync(), "two committed, one rolled back");
    }

    [TestMethod]
    public async Task Rent_AfterAUseThatFailed_RunsTheStatementAgain()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        using var pool = new CommandPool(connection);
        using (var create = pool.Rent("CREATE TABLE t (x INTEGER UNIQUE);", null))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach (var (value, fails) in new[] { (1, false), (1, true), (2, false) })
        {
            using var insert = pool.Rent("INSERT INTO t VALUES (@x);", null);
            insert.Parameters.Add(new SqliteParameter("@x", value));
            if (fails)
            {
                await Assert.ThrowsExactlyAsync<SqliteException>(() => insert.ExecuteNonQueryAsync());
            }
            else
            {
                Assert.AreEqual(1, await insert.ExecuteNonQueryAsync());
            }
        }

        using var count = pool.Rent("SELECT count(*) FROM t;", null);
        Assert.AreEqual(2L, await count.ExecuteScalarAsync(), "the statement that failed on a duplicate ran again for the next value");
    }
}
