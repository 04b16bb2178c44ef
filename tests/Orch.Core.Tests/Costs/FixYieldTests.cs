using Orch.Abstractions.Diagnostics;
using Orch.Core.Costs;
using Orch.Core.Jobs;
using Orch.Core.Storage;

namespace Orch.Core.Tests.Costs;

[TestClass]
public sealed class FixYieldTests
{
    private static CheckFindings Job(string name, string tool, int findings) =>
        new($"job-{name}", "calc", $"calc:{name}", tool, findings == 0 ? JobStatus.Succeeded : JobStatus.Failed, DateTimeOffset.UnixEpoch,
            [.. Enumerable.Range(1, findings).Select(i => new Finding("src/a.cs", i, 1, "CS0168", "unused", FindingSeverity.Warning, tool))]);

    [TestMethod]
    public void Of_ALoopWhoseFindingsCameFromASecondCommandOrATestJob_CountsEveryCommandOfEachRound()
    {
        // As the demo runs: STATIC is `dotnet format` then `dotnet build`, and only the build finds something; RUNTIME's
        // round is a build and a test job under one command, and only the test fails.
        IReadOnlyList<CheckFindings> jobs =
        [
            Job("static-1-1", "dotnet", 0), Job("static-1-2", "dotnet", 1), Job("STATIC-FIX-1", "script", 0),
            Job("static-2-1", "dotnet", 0), Job("static-2-2", "dotnet", 0),
            Job("runtime-1-1-build", "dotnet", 0), Job("runtime-1-1-test-1", "dotnet", 2), Job("RUNTIME-FIX-1", "script", 0),
            Job("runtime-2-1-build", "dotnet", 0), Job("runtime-2-1-test-1", "dotnet", 1),
        ];

        var yield = FixYield.Of(jobs, []).ToDictionary(y => y.Phase);

        Assert.AreEqual((1, 0, 1), (yield["static"].FindingsBefore, yield["static"].FindingsAfter, yield["static"].Fixed));
        Assert.AreEqual((2, 1, 1), (yield["runtime"].FindingsBefore, yield["runtime"].FindingsAfter, yield["runtime"].Fixed));
        Assert.AreEqual(1, yield["runtime"].Rounds);
    }
}
