using Orch.Abstractions.Adapters;
using Orch.Adapters.Ai;
using Orch.Adapters.Checkers;
using Orch.Adapters.Git;
using Orch.Adapters.Process;
using Orch.Adapters.Script;

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

    public static AdapterRegistry CreateDefault() => new(
    [
        new AiderAdapter(), new CodexAdapter(), new ClaudeAdapter(), new ScriptAdapter(), new ProcessAdapter(), new GitAdapter(),
        new DotnetAdapter(), new PytestAdapter(), new RuffAdapter(), new EslintAdapter(),
    ]);

    public bool Knows(string tool) => _adapters.ContainsKey(tool);

    public IReadOnlyCollection<IToolAdapter> Adapters => _adapters.Values;

    public IToolAdapter Resolve(string tool) => _adapters.TryGetValue(tool, out var adapter) ? adapter : _fallback;
}
