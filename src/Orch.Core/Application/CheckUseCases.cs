using System.Text.Json;
using Orch.Abstractions.Diagnostics;
using Orch.Adapters.Parsing;
using Orch.Core.Bootstrap;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Queue;
using Orch.Core.Serialization;
using Orch.Core.Settings;
using Orch.Core.Storage;
using Orch.Core.Testing;
using Orch.Core.Testing.Dotnet;
using Orch.Core.Workflow;

namespace Orch.Core.Application;

/// <summary>
/// STATIC and RUNTIME outside a plan, as <c>dotnet build</c> and <c>dotnet test</c> call them through the MSBuild
/// package: <c>static</c>, <c>test</c> and <c>test-results</c>. They use the profile's commands and the same job
/// lifecycle as workstreams.
/// </summary>
public sealed class CheckUseCases
{
    private readonly OrchEngine _engine;

    internal CheckUseCases(OrchEngine engine) => _engine = engine;

    /// <summary>
    /// Checks a project without changing it: each STATIC autofixer of the profile in its verify mode (for .NET,
    /// <c>dotnet format --verify-no-changes</c>). Records the run and its findings and writes them as JSON to <paramref name="outputFile"/>.
    /// When that file holds an earlier result and only sources changed since, only those sources are checked, and the
    /// earlier findings of the others are kept.
    /// </summary>
    public async Task<StaticResult> RunStaticAsync(string project, string outputFile, CancellationToken cancellationToken)
    {
        var projectPath = Path.GetFullPath(project);
        var projectDirectory = Path.GetDirectoryName(projectPath)!;
        var target = Path.GetFullPath(outputFile);
        var settings = _engine.Settings.Value ?? ProjectSettings.Empty;
        var services = await _engine.ServicesAsync(cancellationToken);
        var run = await services.Store.CreateRunAsync("msbuild-static", projectPath, cancellationToken);
        var (changed, kept) = IncrementalStatic.Since(target, projectPath, _engine.RepositoryRoot);
        var findings = new List<StaticFinding>(kept);
        foreach (var command in CheckPhase.ForDotnet(PhaseName.Static, settings, projectDirectory).VerifyOnly.Where(_ => changed is not { Count: 0 }))
        {
            IReadOnlyList<string> only = changed is null || command.Files is null ? [] : command.Files == "append" ? changed : [command.Files, .. changed];
            var spec = new JobSpec
            {
                Name = $"static {Path.GetFileName(projectPath)}",
                Tool = CheckPhase.ToolOf(command),
                // The target goes right after the command words, then the arguments that make the fixer only report, then the files.
                Command = [.. command.Command, projectPath, .. command.Verify, .. only],
                RepositoryRoot = _engine.RepositoryRoot,
                WorkingDirectory = projectDirectory,
                SuccessExitCodes = [],
                Phase = OrchJson.EnumText(PhaseName.Static),
                Timeout = TimeSpan.FromMinutes(5),
            };
            var outcome = await services.Jobs.RunAsync(run.Id, spec, OwnerIdentity.Direct(), cancellationToken);
            findings.AddRange(outcome.Findings.Select(f => new StaticFinding(
                f.File is null ? null : Path.IsPathFullyQualified(f.File) ? f.File : Path.GetFullPath(Path.Combine(projectDirectory, f.File)),
                f.Line, f.Column, f.Code, f.Message, OrchJson.EnumText(f.Severity), "ORCH1501")));
            // A check that ran and exited non-zero reported what it found; only one that did not run says so.
            if (outcome.Status != JobStatus.Succeeded && !(outcome.Status == JobStatus.Failed && outcome.ExitCode is not null))
            {
                findings.Add(new StaticFinding(projectPath, null, null, "ORCH1502", $"{command.Display} could not check the project: {outcome.Error}", "warning", "ORCH1502"));
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await File.WriteAllTextAsync(target, JsonSerializer.Serialize(new { schema_version = 1, run_id = run.Id, findings }, OrchJson.Indented), cancellationToken);
        await services.Store.FinishRunAsync(run.Id, findings.Count == 0 ? RunStatus.Succeeded : RunStatus.Failed, findings.Count == 0 ? null : "findings", CancellationToken.None);
        return new StaticResult(run.Id, findings, target) { Checked = changed };
    }

    /// <summary>
    /// Runs the profile's RUNTIME test command on <paramref name="project"/>: each test project the way its platform
    /// must be run (see <see cref="DotnetTestPlanner"/>). Records every result, failures too, and checks the gates.
    /// </summary>
    /// <param name="project">The test project, solution or folder.</param>
    /// <param name="baseBranch">Tests that pass there must not fail now; <see langword="null"/> for the repository's default branch.</param>
    /// <param name="cancellationToken">Stops the tests.</param>
    public async Task<TestRunResult> RunTestsAsync(string project, string? baseBranch, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(project);
        var directory = Directory.Exists(target) ? target : Path.GetDirectoryName(target)!;
        var settings = _engine.Settings.Value ?? ProjectSettings.Empty;
        var services = await _engine.ServicesAsync(cancellationToken);
        var run = await services.Store.CreateRunAsync("test", target, cancellationToken);
        var results = Path.Combine(_engine.RepositoryRoot, ".orch", "runs", run.Id, "results");
        var testCommand = CheckPhase.ForDotnet(PhaseName.Runtime, settings, directory).Commands.FirstOrDefault(c => c.Command is [_, "test", ..])?.Command ?? ["dotnet", "test"];
        IReadOnlyList<string> command = [.. testCommand, .. Directory.Exists(target) ? [] : new[] { target }];

        Task<JobOutcome> RunJob(string label, IReadOnlyList<string> argv, string? resultsDirectory, CancellationToken ct) =>
            services.Jobs.RunAsync(run.Id, new JobSpec
            {
                Name = $"{label} {Path.GetFileName(target)}",
                Tool = "dotnet",
                Command = argv,
                ResultsDirectory = resultsDirectory,
                RepositoryRoot = _engine.RepositoryRoot,
                WorkingDirectory = directory,
                SuccessExitCodes = [],
                Phase = OrchJson.EnumText(PhaseName.Runtime),
                Timeout = settings.Tools.For("dotnet").Timeout,
            }, OwnerIdentity.Direct(), ct);

        async Task<TestRunResult> FailAsync(string code, string message)
        {
            await services.Store.FinishRunAsync(run.Id, RunStatus.Failed, "no test results", CancellationToken.None);
            return new TestRunResult(run.Id, [], new TestGateResult([], []), "", target, new OrchError(code, message));
        }

        List<string> reports;
        var unnamed = TestTotals.None;
        var consoleFailures = new List<TestOutcome>();
        if (DotnetTestPlanner.Handles(command))
        {
            var testRun = await DotnetTestRun.RunAsync(command, directory, results, new DotnetTestPlanner(new MsBuildProjectEvaluator()), RunJob, cancellationToken);
            if (testRun.Build.Status != JobStatus.Succeeded)
            {
                var first = testRun.Build.Findings.FirstOrDefault(f => f.Severity == FindingSeverity.Error);
                return await FailAsync("ORCH1604", $"the build failed{(first is null ? "" : $": {first.File}({first.Line}): {first.Code}: {first.Message}")}; see {testRun.Build.LogFile}");
            }

            if (testRun.Tests.Count == 0)
            {
                return await FailAsync("ORCH1601", $"no test project under {target}: none is a VSTest project (Microsoft.NET.Test.Sdk) or a Microsoft.Testing.Platform application");
            }

            reports = [];
            foreach (var step in testRun.Tests)
            {
                var trx = Directory.EnumerateFiles(step.Invocation.ResultsDirectory, "*.trx", SearchOption.AllDirectories).ToList();
                if (trx.Count > 0)
                {
                    reports.AddRange(trx);
                    continue;
                }

                // No report: the runner's own summary counts, and the failures it printed are the named results.
                if (TestConsoleParser.Totals(step.Outcome.OutputTail) is not { } printed)
                {
                    return await FailAsync("ORCH1601", $"{Path.GetFileName(step.Invocation.Project)} wrote no test results ({step.Outcome.Error ?? $"exit code {step.Outcome.ExitCode}"}); see {step.Outcome.LogFile}");
                }

                var failures = step.Outcome.Findings.Where(f => f.Code is not null && f.Tool == "dotnet" && f.Severity == FindingSeverity.Error)
                    .Select(f => new TestOutcome(f.Code!, "failed") { File = f.File, Line = f.Line }).ToList();
                consoleFailures.AddRange(failures);
                unnamed += new TestTotals(printed.Total - failures.Count, printed.Passed, printed.Failed - failures.Count, printed.Skipped);
            }
        }
        else
        {
            // A test command of the project's own: it writes TRX where it is told to.
            var outcome = await RunJob("dotnet test", command, results, cancellationToken);
            reports = Directory.Exists(results) ? Directory.EnumerateFiles(results, "*.trx", SearchOption.AllDirectories).ToList() : [];
            if (reports.Count == 0)
            {
                return await FailAsync("ORCH1601", $"{string.Join(' ', command)} wrote no TRX results ({outcome.Error ?? $"exit code {outcome.ExitCode}"}); see {outcome.LogFile}");
            }
        }

        var recorded = await RecordAsync(run, target, reports, consoleFailures, baseBranch, cancellationToken);
        recorded = recorded with { Unnamed = unnamed };
        var ok = recorded.Passed;
        await services.Store.FinishRunAsync(run.Id, ok ? RunStatus.Succeeded : RunStatus.Failed, ok ? null : recorded.Gates.Passed ? "tests failed" : "test gate",
            CancellationToken.None);
        return recorded;
    }

    /// <summary>Records the newest TRX file under <paramref name="folder"/> for <paramref name="project"/> and checks the gates.</summary>
    /// <returns>The recorded results, or <see langword="null"/> when the folder holds no TRX file.</returns>
    public async Task<TestRunResult?> RecordTestResultsAsync(string folder, string project, string? baseBranch, CancellationToken cancellationToken)
    {
        var projectPath = Path.GetFullPath(project);
        var trx = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.trx", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        if (trx is null)
        {
            return null;
        }

        var store = await _engine.StoreAsync(cancellationToken);
        var run = await store.CreateRunAsync("msbuild-runtime", projectPath, cancellationToken);
        var recorded = await RecordAsync(run, projectPath, [trx], [], baseBranch, cancellationToken);
        await store.FinishRunAsync(run.Id, recorded.Gates.Passed ? RunStatus.Succeeded : RunStatus.Failed, recorded.Gates.Passed ? null : "test gate", CancellationToken.None);
        return recorded;
    }

    private async Task<TestRunResult> RecordAsync(RunRecord run, string project, IReadOnlyList<string> trxFiles, IReadOnlyList<TestOutcome> printed, string? baseBranch,
        CancellationToken cancellationToken)
    {
        var root = _engine.RepositoryRoot;
        var branch = (await _engine.Git.TryRunAsync(root, ["rev-parse", "--abbrev-ref", "HEAD"], cancellationToken)).StandardOutput.Trim();
        var commit = (await _engine.Git.TryRunAsync(root, ["rev-parse", "HEAD"], cancellationToken)).StandardOutput.Trim();
        var warnings = new List<string>();
        if (baseBranch is null && (baseBranch = await _engine.Git.DefaultBranchAsync(root, cancellationToken)) is null)
        {
            warnings.Add("the repository has no default branch (no origin/HEAD, main or master), so no test is checked for regressions; pass --base-branch");
        }

        // Failed tests carry the test's place from the report's stack trace, so a gate can point at it.
        var places = trxFiles.SelectMany(f => TrxParser.FailedTests(f, "dotnet", root)).Where(f => f.Code is not null)
            .DistinctBy(f => f.Code).ToDictionary(f => f.Code!, StringComparer.Ordinal);
        var outcomes = trxFiles.SelectMany(TrxParser.Outcomes)
            .Select(o => places.TryGetValue(o.Test, out var at) && o.Outcome == "failed" ? new TestOutcome(o.Test, o.Outcome) { File = at.File, Line = at.Line } : new TestOutcome(o.Test, o.Outcome))
            .Concat(printed).ToList();
        var subject = new TestSubject(Path.GetRelativePath(root, project), branch.Length == 0 ? "(none)" : branch, commit.Length == 0 ? "(none)" : commit);
        var gates = await new TestGate(await _engine.StoreAsync(cancellationToken)).RecordAndCheckAsync(run.Id, subject, baseBranch, outcomes, cancellationToken);
        return new TestRunResult(run.Id, outcomes, gates, branch, project) { BaseBranch = baseBranch, Warnings = warnings };
    }
}
