using System.Text.Json;
using Orch.Adapters.Checkers;
using Orch.Adapters.Parsing;
using Orch.Core.Jobs;
using Orch.Core.Queue;
using Orch.Core.Serialization;
using Orch.Core.Settings;
using Orch.Core.Storage;
using Orch.Core.Testing;
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
    /// </summary>
    public async Task<StaticResult> RunStaticAsync(string project, string outputFile, CancellationToken cancellationToken)
    {
        var projectPath = Path.GetFullPath(project);
        var projectDirectory = Path.GetDirectoryName(projectPath)!;
        var settings = _engine.Settings.Value ?? ProjectSettings.Empty;
        var services = await _engine.ServicesAsync(cancellationToken);
        var run = await services.Store.CreateRunAsync("msbuild-static", projectPath, cancellationToken);
        var findings = new List<StaticFinding>();
        foreach (var command in CheckPhase.ForDotnet(PhaseName.Static, settings, projectDirectory).VerifyOnly)
        {
            var spec = new JobSpec
            {
                Name = $"static {Path.GetFileName(projectPath)}",
                Tool = CheckPhase.ToolOf(command),
                // The target goes right after the command words, then the arguments that make the fixer only report.
                Command = [.. command.Command, projectPath, .. command.Verify],
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
            if (outcome.Status != JobStatus.Succeeded)
            {
                findings.Add(new StaticFinding(projectPath, null, null, "ORCH1502", $"{command.Display} could not check the project: {outcome.Error}", "warning", "ORCH1502"));
            }
        }

        var target = Path.GetFullPath(outputFile);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await File.WriteAllTextAsync(target, JsonSerializer.Serialize(new { schema_version = 1, run_id = run.Id, findings }, OrchJson.Indented), cancellationToken);
        await services.Store.FinishRunAsync(run.Id, findings.Count == 0 ? RunStatus.Succeeded : RunStatus.Failed, findings.Count == 0 ? null : "findings", CancellationToken.None);
        return new StaticResult(run.Id, findings, target);
    }

    /// <summary>Runs <c>dotnet test</c> with a TRX report, records every result, failures too, and checks the gates.</summary>
    /// <param name="project">The test project, solution or folder.</param>
    /// <param name="baseBranch">Tests that pass there must not fail now.</param>
    /// <param name="cancellationToken">Stops the tests.</param>
    public async Task<TestRunResult> RunTestsAsync(string project, string baseBranch, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(project);
        var directory = Directory.Exists(target) ? target : Path.GetDirectoryName(target)!;
        var settings = _engine.Settings.Value ?? ProjectSettings.Empty;
        var services = await _engine.ServicesAsync(cancellationToken);
        var run = await services.Store.CreateRunAsync("test", target, cancellationToken);
        var results = Path.Combine(_engine.RepositoryRoot, ".orch", "runs", run.Id, "trx");
        // The profile's RUNTIME command, pointed at the target; the dotnet adapter adds the TRX report the platform supports.
        var testCommand = CheckPhase.ForDotnet(PhaseName.Runtime, settings, directory).Commands.FirstOrDefault(c => c.Command is [_, "test", ..])?.Command ?? ["dotnet", "test"];
        var spec = new JobSpec
        {
            Name = $"dotnet test {Path.GetFileName(target)}",
            Tool = "dotnet",
            Command = [.. testCommand, .. DotnetTestPlatform.TargetArguments(target, DotnetTestPlatform.UsesTestingPlatform(directory))],
            ResultsDirectory = results,
            RepositoryRoot = _engine.RepositoryRoot,
            WorkingDirectory = directory,
            SuccessExitCodes = [],
            Phase = OrchJson.EnumText(PhaseName.Runtime),
            Timeout = settings.Tools.For("dotnet").Timeout,
        };
        var outcome = await services.Jobs.RunAsync(run.Id, spec, OwnerIdentity.Direct(), cancellationToken);
        var trx = Directory.Exists(results) ? Directory.EnumerateFiles(results, "*.trx", SearchOption.AllDirectories).ToList() : [];
        if (trx.Count == 0)
        {
            await services.Store.FinishRunAsync(run.Id, RunStatus.Failed, "no test results", CancellationToken.None);
            return new TestRunResult(run.Id, [], new TestGateResult([], []), "", target,
                new OrchError("ORCH1601", $"dotnet test wrote no TRX results ({outcome.Error ?? $"exit code {outcome.ExitCode}"}); see {outcome.LogFile}"));
        }

        var recorded = await RecordAsync(run, target, trx, baseBranch, cancellationToken);
        var ok = recorded.Passed;
        await services.Store.FinishRunAsync(run.Id, ok ? RunStatus.Succeeded : RunStatus.Failed, ok ? null : recorded.Gates.Passed ? "tests failed" : "test gate",
            CancellationToken.None);
        return recorded;
    }

    /// <summary>Records the newest TRX file under <paramref name="folder"/> for <paramref name="project"/> and checks the gates.</summary>
    /// <returns>The recorded results, or <see langword="null"/> when the folder holds no TRX file.</returns>
    public async Task<TestRunResult?> RecordTestResultsAsync(string folder, string project, string baseBranch, CancellationToken cancellationToken)
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
        var recorded = await RecordAsync(run, projectPath, [trx], baseBranch, cancellationToken);
        await store.FinishRunAsync(run.Id, recorded.Gates.Passed ? RunStatus.Succeeded : RunStatus.Failed, recorded.Gates.Passed ? null : "test gate", CancellationToken.None);
        return recorded;
    }

    private async Task<TestRunResult> RecordAsync(RunRecord run, string project, IEnumerable<string> trxFiles, string baseBranch, CancellationToken cancellationToken)
    {
        var root = _engine.RepositoryRoot;
        var branch = (await _engine.Git.TryRunAsync(root, ["rev-parse", "--abbrev-ref", "HEAD"], cancellationToken)).StandardOutput.Trim();
        var commit = (await _engine.Git.TryRunAsync(root, ["rev-parse", "HEAD"], cancellationToken)).StandardOutput.Trim();
        var outcomes = trxFiles.SelectMany(TrxParser.Outcomes).Select(o => new TestOutcome(o.Test, o.Outcome)).ToList();
        var subject = new TestSubject(Path.GetRelativePath(root, project), branch.Length == 0 ? "(none)" : branch, commit.Length == 0 ? "(none)" : commit);
        var gates = await new TestGate(await _engine.StoreAsync(cancellationToken)).RecordAndCheckAsync(run.Id, subject, baseBranch, outcomes, cancellationToken);
        return new TestRunResult(run.Id, outcomes, gates, branch, project);
    }
}
