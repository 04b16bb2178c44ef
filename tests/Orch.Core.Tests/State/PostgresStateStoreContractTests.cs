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
    private TestPostgres.Schema? _schema;

    protected override async Task InitializeDatabaseAsync() => _schema = await TestPostgres.SchemaAsync();

    protected override async Task<IStateStore> OpenAsync() =>
        await PostgresStateStore.OpenAsync(_schema!.Address, TimeProvider.System, readOnly: false, CancellationToken.None);

    protected override async Task CleanupDatabaseAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
            _schema = null;
        }
    }
}
