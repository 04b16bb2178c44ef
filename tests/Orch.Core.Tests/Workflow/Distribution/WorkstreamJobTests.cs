using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Workflow.Distribution;

namespace Orch.Core.Tests.Workflow.Distribution;

[TestClass]
public sealed class WorkstreamJobTests
{
    [TestMethod]
    public void OnWorker_RunsThisHostsOrch_InItsClone_WithTheClaimsToken_AndTheAddressOnlyInTheEnvironment()
    {
        var queued = WorkstreamJob.For("run-1", "api", "/coordinator/repo");
        var claimed = new JobRecord { Id = "job-7", RunId = "run-1", Spec = queued, Status = JobStatus.Running, QueuedAt = DateTimeOffset.UnixEpoch, Fence = 4 };

        var runtime = WorkstreamJob.OnWorker(claimed, ["/usr/bin/dotnet", "/tools/Orch.Cli.dll"], "/worker/clone", "postgres://orch:s3cret@db/orch");

        CollectionAssert.AreEqual(new[] { "/usr/bin/dotnet", "/tools/Orch.Cli.dll", "run-workstream", "run-1", "api", "--job", "job-7", "--fence", "4" },
            runtime.Command.ToArray());
        Assert.AreEqual("/worker/clone", runtime.RepositoryRoot);
        Assert.AreEqual("/worker/clone", runtime.WorkingDirectory);
        Assert.AreEqual("/worker/clone/.orch/logs/run-1/api/worker-4.log", runtime.LogFile, "each attempt logs on its own host, apart");
        Assert.AreEqual("postgres://orch:s3cret@db/orch", runtime.Environment["ORCH_DB"]);
        Assert.IsFalse(runtime.Command.Any(a => a.Contains("s3cret", StringComparison.Ordinal)), "never on a command line `ps` shows");
        Assert.IsTrue(WorkstreamJob.Is(claimed));
        Assert.IsFalse(WorkstreamJob.Is(claimed with { Spec = queued with { Tool = "sh" } }), "an ordinary job is not handed over");
    }
}
