using Orch.Core.Workflow;

namespace Orch.Core.Tests.Workflow;

[TestClass]
public sealed class OscillationDetectorTests
{
    [TestMethod]
    public void Observe_ABA_OscillatesOnTheThirdCheck()
    {
        var detector = new OscillationDetector(window: 4, threshold: 2);

        Assert.IsFalse(detector.Observe(["a"]));
        Assert.IsFalse(detector.Observe(["b"]));
        Assert.IsTrue(detector.Observe(["a"]));
    }

    [TestMethod]
    public void Observe_SetOutsideTheWindow_DoesNotCount()
    {
        var detector = new OscillationDetector(window: 1, threshold: 2);

        Assert.IsFalse(detector.Observe(["a"]));
        Assert.IsFalse(detector.Observe(["b"]));
        Assert.IsFalse(detector.Observe(["a"]), "a was seen two checks ago, outside a window of one");
    }

    [TestMethod]
    public void Observe_OrderOfSignatures_DoesNotMatter()
    {
        var detector = new OscillationDetector(window: 4, threshold: 2);

        Assert.IsFalse(detector.Observe(["x", "y"]));
        Assert.IsTrue(detector.Observe(["y", "x"]));
    }

    [TestMethod]
    public void Observe_EmptySet_IsSuccessNotOscillation()
    {
        var detector = new OscillationDetector(window: 4, threshold: 2);

        Assert.IsFalse(detector.Observe([]));
        Assert.IsFalse(detector.Observe([]));
    }

    [TestMethod]
    public void Observe_HigherThreshold_NeedsMoreRepeats()
    {
        var detector = new OscillationDetector(window: 10, threshold: 3);

        Assert.IsFalse(detector.Observe(["a"]));
        Assert.IsFalse(detector.Observe(["a"]));
        Assert.IsTrue(detector.Observe(["a"]));
    }
}
