using Orch.Abstractions.Adapters;
using Orch.Adapters.Process;

namespace Orch.Adapters.Ai;

/// <summary>
/// What the AI coding tools share: they edit files in the working directory from an instruction, report tokens
/// (and sometimes cost), and are missing on many machines, so a missing tool fails with how to install it.
/// The tool's own environment (API keys, base URLs, CODEX_HOME) passes through untouched.
/// </summary>
public abstract class AiToolAdapter : IToolAdapter
{
    public abstract string Name { get; }

    public IReadOnlyList<Capability> Capabilities { get; } = [Capability.CodeGeneration, Capability.Refactoring];

    /// <summary>The executable's usual name.</summary>
    protected abstract string DefaultExecutable { get; }

    /// <summary>How to install the tool.</summary>
    public abstract string InstallHint { get; }

    public ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) =>
        ToolProbe.ProbeAsync(launcher, DefaultExecutable, InstallHint, cancellationToken);

    public async ValueTask<ToolResult> RunAsync(ToolInvocation invocation, IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        // A job that spells out its command (legacy job files do) runs it as written; the output is still read as this tool's.
        var explicitCommand = invocation.Command.Count > 0;
        var executable = explicitCommand ? invocation.Command[0] : invocation.Executable ?? DefaultExecutable;
        var path = ExecutableLocator.Find(executable, invocation.WorkingDirectory,
            invocation.Environment.TryGetValue("PATH", out var searchPath) ? searchPath : null);
        if (path is null)
        {
            return new ToolResult { Succeeded = false, Error = ToolProbe.MissingMessage(Name, executable, InstallHint) };
        }

        var results = invocation.ResultsDirectory ?? Path.Combine(Path.GetTempPath(), "orch", invocation.JobId);
        Directory.CreateDirectory(results);
        var outcome = await launcher.RunAsync(new ProcessRequest
        {
            Argv = explicitCommand ? [path, .. invocation.Command.Skip(1)] : BuildArgv(invocation, path, results),
            WorkingDirectory = invocation.WorkingDirectory,
            Environment = invocation.Environment,
            StandardInput = explicitCommand ? null : StandardInput(invocation),
            Timeout = invocation.Timeout,
        }, cancellationToken);
        if (outcome.StartError is not null)
        {
            return new ToolResult { Succeeded = false, Error = outcome.StartError };
        }

        return Interpret(invocation, outcome, results);
    }

    /// <summary>The exact argv for <paramref name="invocation"/>; public so that tests can pin it.</summary>
    public abstract IReadOnlyList<string> BuildArgv(ToolInvocation invocation, string executable, string resultsDirectory);

    /// <summary>What the tool reads on standard input; <see langword="null"/> closes it at once.</summary>
    protected virtual string? StandardInput(ToolInvocation invocation) => null;

    protected abstract ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome, string resultsDirectory);

    protected static string Tail(ProcessOutcome outcome, int lines = 20) => OutputTail.Of(outcome.StandardOutput + "\n" + outcome.StandardError, lines);

    /// <summary>Adds what to do when the tool's error says a key or login is missing.</summary>
    protected static string WithKeyHint(string error, string keyVariable, string loginCommand) =>
        error.Contains("api key", StringComparison.OrdinalIgnoreCase) || error.Contains("api_key", StringComparison.OrdinalIgnoreCase)
        || error.Contains("not logged in", StringComparison.OrdinalIgnoreCase) || error.Contains("unauthorized", StringComparison.OrdinalIgnoreCase)
        || error.Contains(keyVariable, StringComparison.Ordinal)
            ? $"{error} (set {keyVariable} in the environment Orch runs in, or run `{loginCommand}`)"
            : error;
}
