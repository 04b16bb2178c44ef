using Orch.Abstractions.Adapters;
using Orch.Adapters.Git;
using Orch.Adapters.Process;

namespace Orch.Adapters.Registry;

/// <summary>The adapters Orch knows, by name. A tool with no adapter of its own runs through the process adapter.</summary>
public sealed class AdapterRegistry
{
    private readonly Dictionary<string, IToolAdapter> _adapters = new(StringComparer.OrdinalIgnoreCase);
    private readonly ProcessAdapter _fallback = new();

    public AdapterRegistry(IEnumerable<IToolAdapter> adapters)
    {
        foreach (var adapter in adapters)
        {
            _adapters[adapter.Name] = adapter;
        }
    }

    public static AdapterRegistry CreateDefault() => new([new ProcessAdapter(), new GitAdapter()]);

    public IReadOnlyCollection<IToolAdapter> Adapters => _adapters.Values;

    public IToolAdapter Resolve(string tool) => _adapters.TryGetValue(tool, out var adapter) ? adapter : _fallback;
}
