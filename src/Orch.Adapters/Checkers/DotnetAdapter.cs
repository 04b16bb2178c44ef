using Orch.Abstractions.Adapters;
using Orch.Adapters.Parsing;
using Orch.Adapters.Process;

namespace Orch.Adapters.Checkers;

/// <summary>
/// dotnet: <c>build</c> and <c>format</c> diagnostics in MSBuild's canonical form; test runs (<c>dotnet test</c>, or a
/// Microsoft.Testing.Platform application through <c>dotnet run</c>) through the TRX reports in the results folder, or,
/// when the project could write none, the failed tests the run printed.
/// </summary>
public sealed class DotnetAdapter : ProcessAdapter
{
    public override string Name => "dotnet";

    public override IReadOnlyList<Capability> Capabilities { get; } = [Capability.Linting, Capability.Testing];

    public override ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken) =>
        ToolProbe.ProbeAsync(launcher, "dotnet", "https://dot.net/download (the .NET SDK)", cancellationToken);

    protected override IReadOnlyList<string> PrepareArgv(ToolInvocation invocation)
    {
        // A bare `dotnet test` from a job file: ask for TRX the way the platform takes it. Orch's own test runs choose per project.
        var argv = invocation.Command;
        var isTest = argv.Count >= 2 && argv[1] == "test";
        if (!isTest || argv.Any(a => a.StartsWith("--logger", StringComparison.Ordinal) || a is "-l" or "--report-trx" or "--results-directory" or "--"))
        {
            return argv;
        }

        return DotnetTestPlatform.WithTrxReport(argv, ResultsFolder(invocation), DotnetTestPlatform.UsesTestingPlatform(invocation.WorkingDirectory));
    }

    protected override ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome)
    {
        var result = base.Interpret(invocation, outcome);
        if (invocation.Command is not [_, "test" or "run", ..])
        {
            return result;
        }

        var reports = invocation.ResultsDirectory is { } folder && Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.trx", SearchOption.AllDirectories).ToList()
            : [];
        var failed = reports.Count > 0
            ? reports.SelectMany(trx => TrxParser.FailedTests(trx, Name, invocation.WorkingDirectory)).ToList()
            : TestConsoleParser.FailedTests(outcome.StandardOutput + "\n" + outcome.StandardError, Name, invocation.WorkingDirectory);
        return failed.Count == 0 ? result : result with { Findings = [.. result.Findings, .. failed] };
    }
}
