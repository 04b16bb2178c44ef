using Npgsql;

namespace Orch.Testing;

/// <summary>
/// The PostgreSQL server the tests use: <c>ORCH_TEST_POSTGRES</c>, which build/test.sh sets after build/postgres.sh
/// starts a throwaway one. Without it, tests that need it report inconclusive.
/// </summary>
public static class TestPostgres
{
    public static string? Address => Environment.GetEnvironmentVariable("ORCH_TEST_POSTGRES") is { Length: > 0 } address ? address : null;

    /// <summary>The server's address, or an inconclusive test.</summary>
    public static string Require() =>
        Address ?? throw new AssertInconclusiveException("needs PostgreSQL: run build/test.sh, or start one with build/postgres.sh start and set ORCH_TEST_POSTGRES");

    /// <summary>The address with every table in <paramref name="schema"/>, so tests share one server without seeing each other.</summary>
    public static string InSchema(string schema) => $"{Require()}?options={Uri.EscapeDataString($"-c search_path={schema}")}";

    /// <summary>Runs SQL as the test user, outside Orch.</summary>
    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync(Require(), searchPath: null);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A connection of the tests' own (named <c>orch-tests</c>, so cutting Orch's connections spares it) to <paramref name="server"/>.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string server, string? searchPath)
    {
        var uri = new Uri(server);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host, Port = uri.Port, Username = uri.UserInfo.Split(':')[0], Database = uri.AbsolutePath.Trim('/'), Pooling = false,
            ApplicationName = "orch-tests", SearchPath = searchPath,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>A schema of its own on the test server, dropped on dispose; inconclusive without a server.</summary>
    public static async Task<Schema> SchemaAsync()
    {
        var name = $"t_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE SCHEMA {name};");
        return new Schema(name, InSchema(name));
    }

    /// <summary>A schema on the test server and the address that puts Orch's tables in it.</summary>
    public sealed record Schema(string Name, string Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP SCHEMA {Name} CASCADE;");
    }
}
