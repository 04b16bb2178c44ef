using Orch.Abstractions.Adapters;
using Orch.Adapters.Parsing;
using Orch.Adapters.Process;

namespace Orch.Adapters.Checkers;

/// <summary>pytest, read through the JUnit XML report Orch asks for with <c>--junitxml</c>. Exit code 5 (no tests) is not a failure.</summary>
public sealed class PytestAdapter : ProcessAdapter
{
    public override string Name => "pytest";

    public override IReadOnlyList<Capability> Capabilities { get; } = [Capability.Testing];

    public override ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) =>
        ToolProbe.ProbeAsync(launcher, "pytest", "python -m pip install pytest", cancellationToken);

    protected override IReadOnlyList<string> PrepareArgv(ToolInvocation invocation) =>
        invocation.Command.Any(a => a.StartsWith("--junitxml", StringComparison.Ordinal))
            ? invocation.Command
            : [.. invocation.Command, $"--junitxml={Path.Combine(ResultsFolder(invocation), "pytest.xml")}"];

    protected override ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome)
    {
        var report = invocation.ResultsDirectory is null ? null : Path.Combine(invocation.ResultsDirectory, "pytest.xml");
        var findings = report is not null && File.Exists(report) ? JUnitParser.FailedTests(report, Name) : [];
        var succeeded = outcome.StartError is null && outcome.ExitCode is 0 or 5;
        return new ToolResult
        {
            ExitCode = outcome.ExitCode is 5 ? 0 : outcome.ExitCode,
            Succeeded = succeeded || (outcome.ExitCode is { } && invocation.SuccessExitCodes.Count == 0),
            TimedOut = outcome.TimedOut,
            Error = outcome.StartError ?? (succeeded ? null : $"pytest exited with code {outcome.ExitCode}"),
            Findings = findings,
            OutputTail = OutputTail.Of(outcome.StandardOutput + "\n" + outcome.StandardError, 40),
        };
    }
}
