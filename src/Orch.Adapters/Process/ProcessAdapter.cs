using Orch.Abstractions.Adapters;
using Orch.Adapters.Parsing;

namespace Orch.Adapters.Process;

/// <summary>
/// Runs any command as given and reads the diagnostic lines it prints. Jobs whose tool has no adapter of its own
/// (the legacy <c>tests</c> or <c>mechanical</c> tools, say) run through this one under their own breaker.
/// </summary>
public class ProcessAdapter : IToolAdapter
{
    public virtual string Name => "process";

    public virtual IReadOnlyList<Capability> Capabilities { get; } = [Capability.Linting, Capability.Testing];

    public virtual ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ToolAvailability(true, null, null, null));

    public async ValueTask<ToolResult> RunAsync(ToolInvocation invocation, IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        var argv = invocation.UseShell ? new[] { "/bin/sh", "-c", invocation.Command[0] } : PrepareArgv(invocation).ToArray();
        var outcome = await launcher.RunAsync(new ProcessRequest
        {
            Argv = argv,
            WorkingDirectory = invocation.WorkingDirectory,
            Environment = WithDefaults(invocation.Environment),
            Timeout = invocation.Timeout,
        }, cancellationToken);
        return Interpret(invocation, outcome);
    }

    /// <summary>The argv to run; checkers add the options that make their tool write a machine-readable report.</summary>
    protected virtual IReadOnlyList<string> PrepareArgv(ToolInvocation invocation) => invocation.Command;

    /// <summary>The results folder for reports, created on first use.</summary>
    protected static string ResultsFolder(ToolInvocation invocation)
    {
        var folder = invocation.ResultsDirectory ?? Path.Combine(Path.GetTempPath(), "orch", invocation.JobId);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Variables the tool always gets; the job's own values win.</summary>
    protected virtual IReadOnlyDictionary<string, string> WithDefaults(IReadOnlyDictionary<string, string> environment) => environment;

    protected virtual ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome)
    {
        var succeeded = outcome.StartError is null && outcome.ExitCode is { } code
            && (invocation.SuccessExitCodes.Count == 0 || invocation.SuccessExitCodes.Contains(code));
        var combined = outcome.StandardOutput + "\n" + outcome.StandardError;
        return new ToolResult
        {
            ExitCode = outcome.ExitCode,
            Succeeded = succeeded,
            TimedOut = outcome.TimedOut,
            Error = outcome.StartError ?? (succeeded ? null : outcome.TimedOut ? "timed out" : $"exit code {outcome.ExitCode}"),
            Findings = CanonicalFindingParser.Parse(combined, Name, invocation.WorkingDirectory),
            OutputTail = OutputTail.Of(combined, 40),
        };
    }
}
