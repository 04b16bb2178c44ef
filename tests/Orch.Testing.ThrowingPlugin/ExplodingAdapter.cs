using Orch.Abstractions.Adapters;

namespace Orch.Testing.ThrowingPlugin;

/// <summary>An adapter whose constructor throws, as a plugin with a broken set-up does.</summary>
public sealed class ExplodingAdapter : IToolAdapter
{
    public ExplodingAdapter() => throw new InvalidOperationException("the plugin's settings file is missing");

    public string Name => "exploding";

    public IReadOnlyList<Capability> Capabilities => [];

    public ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<ToolResult> RunAsync(ToolInvocation invocation, IProcessLauncher launcher, CancellationToken cancellationToken) => throw new NotSupportedException();
}
