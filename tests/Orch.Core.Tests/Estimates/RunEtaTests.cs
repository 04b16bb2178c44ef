using Orch.Core.Estimates;

namespace Orch.Core.Tests.Estimates;

[TestClass]
public sealed class RunEtaTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static Dictionary<string, TimeSpan?> Predicted(params (string Id, double? Seconds)[] workstreams) =>
        workstreams.ToDictionary(w => w.Id, w => w.Seconds is { } s ? S(s) : (TimeSpan?)null, StringComparer.Ordinal);

    [TestMethod]
    public void RunLeft_BeforeAnythingFinishes_IsTheHistorysWorkSharedOverTheSlots()
    {
        var eta = new RunEta(Predicted(("a", 60), ("b", 60), ("c", 120)), parallel: 2);

        Assert.AreEqual(S(120), eta.RunLeft(new Dictionary<string, TimeSpan>()), "240 s of work over 2 slots, and never less than the longest");
        Assert.AreEqual(S(110), eta.RunLeft(new Dictionary<string, TimeSpan> { ["c"] = S(10), ["a"] = S(10) }), "(50 + 60 + 110) / 2 = 110");
    }

    [TestMethod]
    public void RunLeft_WhenFinishedWorkstreamsTookTwiceTheHistory_DoublesWhatIsLeft()
    {
        var eta = new RunEta(Predicted(("a", 10), ("b", 30)), parallel: 1);

        eta.Finished("a", S(20));

        Assert.AreEqual(2.0, eta.Pace, 1e-9);
        Assert.AreEqual(S(60), eta.Expected("b"));
        Assert.AreEqual(S(45), eta.RunLeft(new Dictionary<string, TimeSpan> { ["b"] = S(15) }), "refined by this run's pace, not the history's");
    }

    [TestMethod]
    public void RunLeft_WithAWorkstreamTheHistoryDoesNotKnow_IsUnknownUntilThisRunHasFinishedOne()
    {
        var eta = new RunEta(Predicted(("known", 10), ("new", null)), parallel: 1);

        var before = eta.RunLeft(new Dictionary<string, TimeSpan>());
        eta.Finished("known", S(12));
        var after = eta.RunLeft(new Dictionary<string, TimeSpan>());

        Assert.IsNull(before, "never a made-up figure");
        Assert.AreEqual(S(12), after, "the unknown one is expected to take what this run's finished ones took");
    }

    [TestMethod]
    public void Left_OfAWorkstreamPastItsExpectedTime_IsZero_AndASkippedOneSaysNothingOfThePace()
    {
        var eta = new RunEta(Predicted(("a", 10), ("b", 10)), parallel: 1);

        eta.Finished("b", null);

        Assert.AreEqual(TimeSpan.Zero, eta.Left("a", S(25)));
        Assert.AreEqual(1.0, eta.Pace);
        Assert.AreEqual(TimeSpan.Zero, eta.RunLeft(new Dictionary<string, TimeSpan> { ["a"] = S(25) }));
    }
}
