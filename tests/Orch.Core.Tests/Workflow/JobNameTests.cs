using Orch.Core.Workflow;

namespace Orch.Core.Tests.Workflow;

[TestClass]
public sealed class JobNameTests
{
    [TestMethod]
    [DataRow("notes:EDIT-1", JobKind.Edit, null, 1, 0, "EDIT")]
    [DataRow("notes:STATIC-FIX-2", JobKind.Fix, "static", 2, 0, "STATIC FIX 2")]
    [DataRow("notes:runtime-fix-1", JobKind.Fix, "runtime", 1, 0, "RUNTIME FIX 1")]
    [DataRow("notes:static-3-2", JobKind.Check, "static", 3, 2, "STATIC check 3")]
    [DataRow("a.b-c:runtime-1-1-build", JobKind.Check, "runtime", 1, 1, "RUNTIME check 1")]
    public void Parse_TheNamesTheRunnerGives_TellKindPhaseRoundAndCommand(string name, JobKind kind, string? phase, int round, int command, string display)
    {
        var parsed = JobName.Parse(name);

        Assert.IsNotNull(parsed);
        Assert.AreEqual(name[..name.IndexOf(':', StringComparison.Ordinal)], parsed.Workstream);
        Assert.AreEqual(kind, parsed.Kind);
        Assert.AreEqual(phase, parsed.Phase);
        Assert.AreEqual(round, parsed.Round);
        Assert.AreEqual(command, parsed.Command);
        Assert.AreEqual(display, parsed.Display);
    }

    [TestMethod]
    [DataRow("notes:static-2-before-check")]
    [DataRow("notes:static-baseline-1")]
    [DataRow("lint")]
    [DataRow(":EDIT-1")]
    public void Parse_HooksBaselinesAndPlainJobs_AreNoneOfTheThree(string name) => Assert.IsNull(JobName.Parse(name));
}
