using Orch.Core.Application;

namespace Orch.Dashboard;

/// <summary>One read-only engine shared by every request, one query at a time: its store holds a single connection.</summary>
internal sealed class ReadGate(OrchEngine engine) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<T> ReadAsync<T>(Func<OrchEngine, Task<T>> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await read(engine);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
