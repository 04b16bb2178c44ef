using Orch.Core.Storage;
using Orch.Core.Storage.Postgres;
using Orch.Testing;
using Orch.Testing.Storage;

namespace Orch.Core.Tests.State;

/// <summary>The store contract suite on the PostgreSQL backend: each test in a schema of its own on the server build/postgres.sh starts.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class PostgresStateStoreContractTests : StateStoreContract
{
    private string? _schema;

    protected override async Task InitializeDatabaseAsync()
    {
        _schema = $"t_{Guid.NewGuid():N}";
        await TestPostgres.ExecuteAsync($"CREATE SCHEMA {_schema};");
    }

    protected override async Task<IStateStore> OpenAsync() =>
        await PostgresStateStore.OpenAsync(TestPostgres.InSchema(_schema!), TimeProvider.System, readOnly: false, CancellationToken.None);

    protected override async Task CleanupDatabaseAsync()
    {
        if (_schema is not null && TestPostgres.Address is not null)
        {
            await TestPostgres.ExecuteAsync($"DROP SCHEMA {_schema} CASCADE;");
        }
    }
}
