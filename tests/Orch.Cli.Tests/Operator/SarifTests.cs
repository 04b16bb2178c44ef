using System.Text.Json;
using Orch.Abstractions.Diagnostics;
using Orch.Cli.Rendering;
using Orch.Core.Application;
using Orch.Core.Jobs;

namespace Orch.Cli.Tests.Operator;

[TestClass]
public sealed class SarifTests
{
    private static CheckRound Check(string phase, int round, int command, string job, params Finding[] findings) =>
        new("calc", phase, round, command, job, "dotnet", findings.Length == 0 ? JobStatus.Succeeded : JobStatus.Failed, DateTimeOffset.UnixEpoch, findings);

    [TestMethod]
    public void Write_WhenTheLastRuntimeRoundsTestJobFailed_KeepsItsFindings_NotJustTheBuildsOfThatRound()
    {
        var root = Path.Combine(Path.GetTempPath(), "repo");
        var failing = new Finding(Path.Combine(root, "tests/CalcTests.cs"), 17, null, "Average_IsThree", "expected 3, was 6", FindingSeverity.Error, "dotnet");
        IReadOnlyList<CheckRound> checks =
        [
            Check("runtime", 1, 1, "job-b1"), Check("runtime", 1, 1, "job-t1", failing),
            // The round after the FIX: the build is clean, the test project still fails.
            Check("runtime", 2, 1, "job-b2"), Check("runtime", 2, 1, "job-t2", failing with { Message = "expected 3, was 4" }),
        ];

        var sarif = JsonDocument.Parse(Sarif.Write(checks, root)).RootElement;

        var result = sarif.GetProperty("runs").EnumerateArray().SelectMany(r => r.GetProperty("results").EnumerateArray()).Single();
        Assert.AreEqual("expected 3, was 4", result.GetProperty("message").GetProperty("text").GetString(), "the last round's test failure, once");
    }
}
