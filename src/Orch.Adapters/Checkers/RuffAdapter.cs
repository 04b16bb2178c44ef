using Orch.Abstractions.Adapters;
using Orch.Adapters.Parsing;
using Orch.Adapters.Process;

namespace Orch.Adapters.Checkers;

/// <summary>ruff, read through its JSON output (<c>--output-format=json</c>, added to <c>ruff check</c> when missing).</summary>
public sealed class RuffAdapter : ProcessAdapter
{
    public override string Name => "ruff";

    public override IReadOnlyList<Capability> Capabilities { get; } = [Capability.Linting];

    public override ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) =>
        ToolProbe.ProbeAsync(launcher, "ruff", "python -m pip install ruff", cancellationToken);

    protected override IReadOnlyList<string> PrepareArgv(ToolInvocation invocation) =>
        invocation.Command.Count >= 2 && invocation.Command[1] == "check" && !invocation.Command.Any(a => a.StartsWith("--output-format", StringComparison.Ordinal))
            ? [.. invocation.Command, "--output-format=json"]
            : invocation.Command;

    protected override ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome) =>
        base.Interpret(invocation, outcome) with { Findings = LinterJsonParser.Ruff(outcome.StandardOutput, invocation.WorkingDirectory) };
}
