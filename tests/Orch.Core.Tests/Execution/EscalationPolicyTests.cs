using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Settings;

namespace Orch.Core.Tests.Execution;

[TestClass]
public sealed class EscalationPolicyTests
{
    private static readonly EscalationPolicy Policy = new(
        new ToolSettings(new Dictionary<string, ToolOptions> { ["claude"] = new() { Model = "sonnet", Timeout = TimeSpan.FromMinutes(3) } }),
        new EscalationSettings { Chain = ["aider", "codex", "claude"] });

    private static JobSpec Failed(RetryPolicy policy, string? target, string? prompt = "fix it") => new()
    {
        Name = "fix", Tool = "codex", Command = ["codex"], RepositoryRoot = "/r", WorkingDirectory = "/r", Prompt = prompt,
        Retry = new RetrySettings { MaxRetries = 2, Policy = policy, EscalateTo = target },
    };

    [TestMethod]
    public void Chain_WithItsOwnList_StartsWithThePrimaryAndSkipsItInTheList()
    {
        CollectionAssert.AreEqual(new[] { "codex", "claude" }, Policy.Chain("codex", ["codex", "claude"]).ToArray());
    }

    [TestMethod]
    public void Chain_WithoutAList_TakesTheProjectChainFromThePrimaryOn()
    {
        CollectionAssert.AreEqual(new[] { "codex", "claude" }, Policy.Chain("codex", []).ToArray());
        CollectionAssert.AreEqual(new[] { "script" }, Policy.Chain("script", []).ToArray(), "a tool outside the chain stands alone");
        Assert.IsEmpty(Policy.Chain(null, []));
    }

    [TestMethod]
    public void FollowUp_FailedJobUnderEscalate_HandsTheSamePromptToTheTargetWithItsSettingsAndEndsTheChain()
    {
        var next = Policy.FollowUp(Failed(RetryPolicy.Escalate, "claude"), JobStatus.Failed);

        Assert.IsNotNull(next);
        Assert.AreEqual("claude", next.Tool);
        Assert.AreEqual("fix it", next.Prompt);
        Assert.AreEqual("sonnet", next.Model);
        Assert.AreEqual(TimeSpan.FromMinutes(3), next.Timeout);
        Assert.AreEqual(RetryPolicy.None, next.Retry.Policy, "a failure of the follow-up needs a person, not another hand-over");
        Assert.IsNull(Policy.FollowUp(next, JobStatus.Failed));
    }

    [TestMethod]
    public void FollowUp_WhenNothingShouldFollow_IsNull()
    {
        Assert.IsNull(Policy.FollowUp(Failed(RetryPolicy.Escalate, "claude"), JobStatus.Succeeded), "success");
        Assert.IsNull(Policy.FollowUp(Failed(RetryPolicy.Escalate, "claude"), JobStatus.Cancelled), "Ctrl-C");
        Assert.IsNull(Policy.FollowUp(Failed(RetryPolicy.RetrySame, null), JobStatus.Failed), "no escalation asked for");
        Assert.IsNull(Policy.FollowUp(Failed(RetryPolicy.Escalate, "claude", prompt: null), JobStatus.Failed), "nothing to hand over");
        Assert.IsNull(Policy.FollowUp(Failed(RetryPolicy.Escalate, "codex"), JobStatus.Failed), "escalating to itself");
    }
}
