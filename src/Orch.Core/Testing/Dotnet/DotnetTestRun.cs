using Orch.Core.Execution;

namespace Orch.Core.Testing.Dotnet;

/// <summary>
/// Runs a plain <c>dotnet test</c> the way each of its test projects must be run: one build of the target, then each
/// project's own command without building again. <c>test</c>, RUNTIME in workstreams and the MSBuild hook all come here.
/// </summary>
public static class DotnetTestRun
{
    /// <summary>Runs one job: a label for its name and log, the argv, and the folder its report goes to.</summary>
    public delegate Task<JobOutcome> JobRunner(string label, IReadOnlyList<string> argv, string? resultsDirectory, CancellationToken cancellationToken);

    public static async Task<DotnetTestRunResult> RunAsync(IReadOnlyList<string> command, string workingDirectory, string resultsRoot, DotnetTestPlanner planner,
        JobRunner run, CancellationToken cancellationToken)
    {
        var target = DotnetTestPlanner.TargetOf(command, workingDirectory);
        var options = DotnetTestPlanner.BuildOptions(command);
        IReadOnlyList<string> targetArgument = target == workingDirectory ? [] : [target];
        var build = await run("build", ["dotnet", "build", .. targetArgument, "--nologo", .. options], null, cancellationToken);
        if (build.Status != Jobs.JobStatus.Succeeded)
        {
            return new DotnetTestRunResult(build, []);
        }

        // Evaluated after the build: the test packages' props, which make a project a test application, exist only after restore.
        var invocations = DotnetTestPlanner.Invocations(planner.TestProjects(target), workingDirectory, resultsRoot, options);
        var steps = new List<DotnetTestStep>();
        foreach (var (invocation, index) in invocations.Select((v, i) => (v, i)))
        {
            Directory.CreateDirectory(invocation.ResultsDirectory);
            steps.Add(new DotnetTestStep(invocation, await run($"test-{index + 1}", invocation.Command, invocation.ResultsDirectory, cancellationToken)));
        }

        return new DotnetTestRunResult(build, steps);
    }
}

/// <summary>The build of a test run and each test project's run.</summary>
public sealed record DotnetTestRunResult(JobOutcome Build, IReadOnlyList<DotnetTestStep> Tests);

/// <summary>One test project's run: how it was invoked and how it ended.</summary>
public sealed record DotnetTestStep(DotnetTestInvocation Invocation, JobOutcome Outcome);
