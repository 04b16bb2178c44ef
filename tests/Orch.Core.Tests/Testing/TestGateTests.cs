using Orch.Core.Storage.Sqlite;
using Orch.Core.Testing;
using Orch.Testing;

namespace Orch.Core.Tests.Testing;

[TestClass]
public sealed class TestGateTests
{
    [TestMethod]
    public async Task RecordAndCheck_TestThatFailsOnTheBaseBranchToo_IsBaselineNotARegression()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        var gate = new TestGate(store);
        await gate.RecordAndCheckAsync("run-1", new TestSubject("t.csproj", "master", "c1"),
            "master", [new TestOutcome("T.Old", "failed"), new TestOutcome("T.Good", "passed")], CancellationToken.None);

        var result = await gate.RecordAndCheckAsync("run-2", new TestSubject("t.csproj", "feature", "c2"), "master",
            [new TestOutcome("T.Old", "failed"), new TestOutcome("T.Good", "failed") { File = "tests/T.cs", Line = 12 }], CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "T.Old" }, result.Baseline.ToArray());
        Assert.HasCount(1, result.Regressions);
        Assert.AreEqual(new GateFailure("T.Good", "T.Good passed on master and fails now", "tests/T.cs", 12), result.Regressions[0]);
        Assert.AreEqual("tests/T.cs(12)", result.Regressions[0].Origin("t.csproj"));
    }

    [TestMethod]
    public async Task RecordAndCheck_WithoutABaseBranch_ChecksNoRegression()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        var gate = new TestGate(store);
        await gate.RecordAndCheckAsync("run-1", new TestSubject("t.csproj", "main", "c1"), "main", [new TestOutcome("T.A", "passed")], CancellationToken.None);

        var result = await gate.RecordAndCheckAsync("run-2", new TestSubject("t.csproj", "feature", "c2"), null, [new TestOutcome("T.A", "failed")], CancellationToken.None);

        Assert.IsTrue(result.Passed);
    }
}
