using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Workflow;
using Orch.Testing;

namespace Orch.Core.Tests.Workflow;

[TestClass]
public sealed class CheckPhaseTests
{
    private static JobOutcome Failed(string logFile) => new("job-1", "w:static-1-1", JobStatus.Failed, 1, [], "exit code 1", [], logFile, null);

    [TestMethod]
    public void FindingsOf_ExitCodeOnlyCheckThatPrintedTap_GivesTheFailingTestAtItsFileAndLine()
    {
        using var dir = new TempDirectory();
        var log = dir.Write("static-1-1.log", "$ npm test --silent\nnot ok 1 - rejects an empty cart\n  ---\n  location: '" + dir.Combine("test", "cart.test.js") + ":31:5'\n  ...\n# exit code 1\n");
        var check = new CheckPhase(PhaseName.Runtime, [PhaseCommand.Shell("npm test --silent")]);

        var findings = check.FindingsOf(check.Commands[0], Failed(log), out var failed, dir.Path);

        Assert.IsTrue(failed);
        var finding = findings.Single();
        Assert.AreEqual(("test/cart.test.js", 31, "not ok: rejects an empty cart"), (finding.File, finding.Line, finding.Message));
    }

    [TestMethod]
    public void FindingsOf_ExitCodeOnlyCheckWithUnknownOutput_CarriesTheEndOfItsOutputForFix()
    {
        using var dir = new TempDirectory();
        var log = dir.Write("static-1-1.log", "$ ./check.sh\nchecking config\n[stderr] error: settings.json misses the key 'region'\n# exit code 1\n");
        var check = new CheckPhase(PhaseName.Static, [PhaseCommand.Shell("./check.sh")]);

        var finding = check.FindingsOf(check.Commands[0], Failed(log), out _, dir.Path).Single();

        Assert.AreEqual("EXIT", finding.Code);
        StringAssert.Contains(finding.Message, "`./check.sh` exit code 1");
        StringAssert.Contains(finding.Message, "error: settings.json misses the key 'region'");
        Assert.IsFalse(finding.Message.Contains("[stderr]", StringComparison.Ordinal) || finding.Message.Contains("# exit code", StringComparison.Ordinal),
            "Orch's own log marks are not the tool's output: " + finding.Message);
    }
}
