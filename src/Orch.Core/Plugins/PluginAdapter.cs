using Orch.Abstractions.Adapters;

namespace Orch.Core.Plugins;

/// <summary>
/// A plugin's adapter behind a wall: what it throws becomes a failed attempt that names the plugin (so retries and the
/// breaker apply as for a built-in adapter), and a call that ignores cancellation is abandoned when the job's timeout or
/// a Ctrl-C cancels it, instead of holding the run.
/// </summary>
internal sealed class PluginAdapter(IToolAdapter inner, string plugin) : IToolAdapter
{
    public string Name => inner.Name;

    public IReadOnlyList<Capability> Capabilities => inner.Capabilities;

    /// <summary>The plugin that supplies the adapter, as "Id Version".</summary>
    public string Plugin => plugin;

    public async ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.Run(() => inner.ProbeAsync(launcher, cancellationToken).AsTask(), cancellationToken).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ToolAvailability(false, null, null, $"the probe of plugin {plugin} failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    public async ValueTask<ToolResult> RunAsync(ToolInvocation invocation, IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        try
        {
            // Task.Run: a plugin that blocks before its first await must not block Orch's thread.
            return await Task.Run(() => inner.RunAsync(invocation, launcher, cancellationToken).AsTask(), cancellationToken).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ToolResult
            {
                Succeeded = false,
                Error = $"adapter '{inner.Name}' of plugin {plugin} failed: {ex.GetType().Name}: {ex.Message}",
            };
        }
    }
}
