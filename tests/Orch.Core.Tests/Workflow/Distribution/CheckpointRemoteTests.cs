using Orch.Core.Git;
using Orch.Core.Storage;
using Orch.Core.Workflow.Distribution;
using Orch.Testing;

namespace Orch.Core.Tests.Workflow.Distribution;

/// <summary>The shared remote of a distributed run, with real git: a bare remote and two clones standing in for two hosts.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class CheckpointRemoteTests
{
    private const string Run = "run-1";

    [TestMethod]
    public async Task Fetch_FindsTheBase_AndTheNewestAttemptsCheckpoint_FromAnotherClone()
    {
        using var hosts = await HostsAsync();
        var remote = new CheckpointRemote(hosts.Git, hosts.Remote);
        var start = hosts.Coordinator.Git("rev-parse", "HEAD").Trim();
        await remote.PublishBaseAsync(hosts.Coordinator.Path, Run, "ws", start, CancellationToken.None);
        var first = Commit(hosts.Worker, "first attempt's edit");
        await remote.PushCheckpointAsync(hosts.Worker.Path, Run, "ws", 1, first, null, CancellationToken.None);
        var second = Commit(hosts.Worker, "second attempt's fix");
        await remote.PushCheckpointAsync(hosts.Worker.Path, Run, "ws", 3, second, null, CancellationToken.None);

        var seen = await remote.FetchAsync(hosts.Coordinator.Path, Run, "ws", CancellationToken.None);

        Assert.AreEqual(start, seen.Base);
        Assert.AreEqual(second, seen.Latest, "attempt 3 is newer than attempt 1, by number, not by push order");
        Assert.AreEqual(3L, seen.LatestAttempt);
        Assert.AreEqual("second attempt's fix", hosts.Coordinator.Git("log", "-1", "--format=%s", second).Trim(), "the commits came with the refs");
    }

    [TestMethod]
    public async Task PushCheckpoint_WhenItsRefMovedUnderIt_IsRefusedAsFenced_AndTheRefKeepsTheOtherWork()
    {
        using var hosts = await HostsAsync();
        var remote = new CheckpointRemote(hosts.Git, hosts.Remote);
        var mine = Commit(hosts.Worker, "mine");
        await remote.PushCheckpointAsync(hosts.Worker.Path, Run, "ws", 2, mine, null, CancellationToken.None);
        // Someone else wrote this attempt's ref (a second process that believes it holds attempt 2).
        var theirs = Commit(hosts.Coordinator, "theirs");
        hosts.Coordinator.Git("push", "-q", "--force", hosts.Remote, $"{theirs}:{CheckpointRemote.AttemptRef(Run, "ws", 2)}");
        var next = Commit(hosts.Worker, "mine again");

        var refused = await Assert.ThrowsExactlyAsync<JobFencedException>(() =>
            remote.PushCheckpointAsync(hosts.Worker.Path, Run, "ws", 2, next, mine, CancellationToken.None));
        var creatingAgain = await Assert.ThrowsExactlyAsync<JobFencedException>(() =>
            remote.PushCheckpointAsync(hosts.Worker.Path, Run, "ws", 2, next, null, CancellationToken.None));

        StringAssert.Contains(refused.Message, "moved under this worker");
        Assert.IsNotNull(creatingAgain);
        Assert.AreEqual(theirs, RefOnRemote(hosts, CheckpointRemote.AttemptRef(Run, "ws", 2)), "the ref keeps the other work");
    }

    [TestMethod]
    public async Task Fetch_WithoutAPublishedBase_SaysWhoPublishesIt()
    {
        using var hosts = await HostsAsync();
        var remote = new CheckpointRemote(hosts.Git, hosts.Remote);

        var missing = await Assert.ThrowsExactlyAsync<GitException>(() => remote.FetchAsync(hosts.Worker.Path, Run, "ws", CancellationToken.None));
        var unreachable = await Assert.ThrowsExactlyAsync<GitException>(() =>
            new CheckpointRemote(hosts.Git, hosts.Remote + "-missing").FetchAsync(hosts.Worker.Path, Run, "ws", CancellationToken.None));

        StringAssert.Contains(missing.Message, "refs/orch/run-1/ws/base");
        StringAssert.Contains(missing.Message, "coordinator");
        StringAssert.Contains(unreachable.Message, "every host of a distributed run must reach the remote");
    }

    [TestMethod]
    public async Task Resolve_TurnsARemoteNameIntoItsUrl_AndAFolderIntoItsFullPath()
    {
        using var hosts = await HostsAsync();

        var byName = await CheckpointRemote.ResolveAsync(hosts.Git, hosts.Worker.Path, "origin", CancellationToken.None);
        var byRelativePath = await CheckpointRemote.ResolveAsync(hosts.Git, hosts.Worker.Path, Path.GetRelativePath(hosts.Worker.Path, hosts.Remote), CancellationToken.None);
        var url = await CheckpointRemote.ResolveAsync(hosts.Git, hosts.Worker.Path, "ssh://git.example/repo.git", CancellationToken.None);

        Assert.AreEqual(hosts.Remote, byName);
        Assert.AreEqual(hosts.Remote, byRelativePath);
        Assert.AreEqual("ssh://git.example/repo.git", url);
    }

    private static string Commit(TestRepository repo, string message)
    {
        repo.Write("src/a.txt", message + "\n");
        repo.Git("commit", "-q", "-am", message);
        return repo.Git("rev-parse", "HEAD").Trim();
    }

    private static string RefOnRemote(Hosts hosts, string name) => hosts.Coordinator.Git("ls-remote", hosts.Remote, name).Split('\t')[0];

    private static Task<Hosts> HostsAsync()
    {
        var coordinator = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "one\n" }, "master");
        var remote = coordinator.Combine(".orch", "remote.git");
        coordinator.Git("init", "-q", "--bare", remote);
        coordinator.Git("remote", "add", "origin", remote);
        coordinator.Git("push", "-q", "origin", "master");
        var worker = new TestRepository(new Dictionary<string, string> { ["readme"] = "x\n" }, "master");
        worker.Git("remote", "add", "origin", remote);
        worker.Git("fetch", "-q", "origin");
        worker.Git("reset", "-q", "--hard", "origin/master");
        return Task.FromResult(new Hosts(coordinator, worker, remote, new GitClient(TimeProvider.System)));
    }

    private sealed record Hosts(TestRepository Coordinator, TestRepository Worker, string Remote, GitClient Git) : IDisposable
    {
        public void Dispose()
        {
            Git.Dispose();
            Worker.Dispose();
            Coordinator.Dispose();
        }
    }
}
