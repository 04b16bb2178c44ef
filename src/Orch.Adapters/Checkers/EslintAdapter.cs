using Orch.Abstractions.Adapters;
using Orch.Adapters.Parsing;
using Orch.Adapters.Process;

namespace Orch.Adapters.Checkers;

/// <summary>eslint, read through its JSON formatter (<c>-f json</c>, added when no format is given).</summary>
public sealed class EslintAdapter : ProcessAdapter
{
    public override string Name => "eslint";

    public override IReadOnlyList<Capability> Capabilities { get; } = [Capability.Linting];

    public override ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) =>
        ToolProbe.ProbeAsync(launcher, "eslint", "npm install --save-dev eslint", cancellationToken);

    protected override IReadOnlyList<string> PrepareArgv(ToolInvocation invocation) =>
        invocation.Command.Any(a => a is "-f" or "--format" || a.StartsWith("--format=", StringComparison.Ordinal))
            ? invocation.Command
            : [.. invocation.Command, "-f", "json"];

    protected override ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome) =>
        base.Interpret(invocation, outcome) with { Findings = LinterJsonParser.Eslint(outcome.StandardOutput, invocation.WorkingDirectory) };
}
