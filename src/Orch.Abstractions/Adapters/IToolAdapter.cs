namespace Orch.Abstractions.Adapters;

/// <summary>
/// Runs one tool and reads its output. Adapters never start processes themselves: they describe the
/// process and hand it to the <see cref="IProcessLauncher"/> they are given, which owns timeouts,
/// process-tree kills, logging and secret redaction.
/// </summary>
public interface IToolAdapter
{
    /// <summary>The adapter's name, as used in job and workstream files (for example <c>process</c> or <c>pytest</c>).</summary>
    string Name { get; }

    /// <summary>The capabilities this adapter offers to the router.</summary>
    IReadOnlyList<Capability> Capabilities { get; }

    /// <summary>Finds out whether the tool is installed and which version it is.</summary>
    /// <param name="launcher">Runs the tool's version command, if the adapter needs one.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The tool's availability, with an install hint when it is missing.</returns>
    ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken);

    /// <summary>Runs the tool once for <paramref name="invocation"/>.</summary>
    /// <param name="invocation">What to run, where, and with which environment.</param>
    /// <param name="launcher">The only way to start a process.</param>
    /// <param name="cancellationToken">Cancels the run; the launcher then kills the whole process tree.</param>
    /// <returns>The exit code and what the adapter read from the output.</returns>
    ValueTask<ToolResult> RunAsync(ToolInvocation invocation, IProcessLauncher launcher, CancellationToken cancellationToken);
}
