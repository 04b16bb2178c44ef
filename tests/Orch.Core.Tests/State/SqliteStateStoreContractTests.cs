using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Testing;
using Orch.Testing.Storage;

namespace Orch.Core.Tests.State;

/// <summary>The store contract suite on the SQLite backend.</summary>
[TestClass]
public sealed class SqliteStateStoreContractTests : StateStoreContract, IDisposable
{
    private TempDirectory? _directory;

    protected override Task InitializeDatabaseAsync()
    {
        _directory = new TempDirectory();
        return Task.CompletedTask;
    }

    protected override async Task<IStateStore> OpenAsync() =>
        await SqliteStateStore.OpenAsync(_directory!.Combine("state.db"), TimeProvider.System, CancellationToken.None);

    protected override Task CleanupDatabaseAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _directory?.Dispose();
        _directory = null;
    }
}
