using Orch.Abstractions.Adapters;
using Orch.Adapters.Parsing;
using Orch.Adapters.Process;

namespace Orch.Adapters.Checkers;

/// <summary>
/// dotnet: <c>build</c> and <c>format</c> diagnostics in MSBuild's canonical form, and <c>test</c> through a TRX
/// report that Orch asks for in the results folder.
/// </summary>
public sealed class DotnetAdapter : ProcessAdapter
{
    public override string Name => "dotnet";

    public override IReadOnlyList<Capability> Capabilities { get; } = [Capability.Linting, Capability.Testing];

    public override ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) =>
        ToolProbe.ProbeAsync(launcher, "dotnet", "https://dot.net/download (the .NET SDK)", cancellationToken);

    protected override IReadOnlyList<string> PrepareArgv(ToolInvocation invocation)
    {
        var argv = invocation.Command;
        var isTest = argv.Count >= 2 && argv[1] == "test";
        if (!isTest || argv.Any(a => a.StartsWith("--logger", StringComparison.Ordinal) || a == "-l" || a == "--report-trx"))
        {
            return argv;
        }

        return DotnetTestPlatform.WithTrxReport(argv, ResultsFolder(invocation), DotnetTestPlatform.UsesTestingPlatform(invocation.WorkingDirectory));
    }

    protected override ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome)
    {
        var result = base.Interpret(invocation, outcome);
        if (invocation.ResultsDirectory is not { } folder || !Directory.Exists(folder))
        {
            return result;
        }

        var failed = Directory.EnumerateFiles(folder, "*.trx", SearchOption.AllDirectories)
            .SelectMany(trx => TrxParser.FailedTests(trx, Name, invocation.WorkingDirectory)).ToList();
        return failed.Count == 0 ? result : result with { Findings = [.. result.Findings, .. failed] };
    }
}
