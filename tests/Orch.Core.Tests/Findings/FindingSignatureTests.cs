using Orch.Abstractions.Diagnostics;
using Orch.Core.Findings;

namespace Orch.Core.Tests.Findings;

[TestClass]
public sealed class FindingSignatureTests
{
    private static Finding Make(string message, int line = 10) => new("src/a.cs", line, 1, "T1", message, FindingSeverity.Error, "dotnet");

    [TestMethod]
    public void Of_SameFindingOnAnotherLine_IsTheSame() =>
        Assert.AreEqual(FindingSignature.Of(Make("boom", 10)), FindingSignature.Of(Make("boom", 42)));

    [TestMethod]
    public void Of_MessagesDifferingOnlyInTempPathsAndTimings_AreTheSame() =>
        Assert.AreEqual(
            FindingSignature.Of(Make("Assert failed in /tmp/orch-tests/ab12/out.txt after 123 ms at line 7")),
            FindingSignature.Of(Make("Assert failed in /tmp/orch-tests/cd34/out.txt after 98 ms at line 9")));

    [TestMethod]
    public void Of_DifferentMessages_Differ() =>
        Assert.AreNotEqual(FindingSignature.Of(Make("expected 3 but was 4")), FindingSignature.Of(Make("expected 3 but was 5")));
}
