using System.Diagnostics;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.ScaleOut;

/// <summary>
/// One plan's workstreams spread over worker hosts (<c>run --distribute</c>): a bare git remote every "host" shares, a
/// coordinator clone that runs the plan and merges, and worker clones whose workers carry the workstreams under
/// stand-in host names, on one PostgreSQL database.
/// </summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class DistributedRunTests
{
    // EDIT appends a line and counts itself; STATIC says where it ran, and on its first run only hangs (the host dies there).
    private static string Plan(string marks) => $$"""
        workstreams:
          - id: first
            files_scope: [src/]
            edit: {tool: script, command: [sh, -c, 'echo edit >> {{marks}}/edits.log; echo two >> src/a.txt']}
            static: [[sh, -c, 'echo $ORCH_HOST >> {{marks}}/static.log; if [ -e {{marks}}/hang ]; then rm {{marks}}/hang; sleep 600; fi']]
            runtime: []
          - id: second
            depends_on: [first]
            files_scope: [src/b.txt]
            files_create: [src/b.txt]
            edit: {tool: script, command: [sh, -c, 'cat src/a.txt > src/b.txt']}
            static: []
            runtime: []
        """;

    [TestMethod]
    public async Task Run_WhenAWorkerIsKilledMidWorkstream_AnotherResumesFromItsLastPushedCheckpoint_AndEachPhaseRunsOnce()
    {
        await using var queue = await PostgresQueue.OnSharedServerAsync();
        var (hosts, marks, doomed, coordinator, printed) = await StartUntilStaticHangsAsync(queue, "doomed");
        using var running = coordinator;

        // The host dies mid-STATIC, after EDIT was checkpointed, pushed and recorded: the worker and all it ran go together.
        var held = await HandedOverProcessAsync(queue, hosts, "doomed");
        doomed.Kill(entireProcessTree: true);
        KillGroup(held);
        queue.StartWorkerIn(hosts.CloneFor("survivor"), "survivor", "--lease", "3");
        using (var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            await coordinator.WaitForExitAsync(patience.Token);
        }

        var output = string.Join('\n', await printed);
        Assert.AreEqual(0, coordinator.ExitCode, output);
        Assert.HasCount(1, File.ReadAllLines(Path.Combine(marks, "edits.log")), "EDIT ran once: the new owner started from its pushed checkpoint");
        CollectionAssert.AreEqual(new[] { "doomed", "survivor" }, File.ReadAllLines(Path.Combine(marks, "static.log")), "STATIC, cut short, ran again on the other host");
        var runId = (string)(await queue.ScalarAsync("SELECT id FROM runs;"))!;
        Assert.AreEqual(3, await queue.CountAsync($"SELECT count(*) FROM phases WHERE run_id = '{runId}' AND workstream_id = 'first' AND status = 'succeeded';"));
        Assert.AreEqual(1, await queue.CountAsync($"SELECT count(*) FROM jobs WHERE workstream_id = 'first' AND name LIKE '%EDIT%';"), "one EDIT job");
        Assert.AreEqual(0, await queue.CountAsync("SELECT count(*) FROM jobs WHERE status = 'running';"), "the dead host's STATIC job is settled, not left running");
        Assert.AreEqual("survivor", await queue.ScalarAsync("SELECT owner_host FROM jobs WHERE tool = 'orch-workstream' AND workstream_id = 'first';"));
        Assert.AreEqual(1, await queue.CountAsync("SELECT recoveries FROM jobs WHERE tool = 'orch-workstream' AND workstream_id = 'first';"));

        // Each attempt pushed under its own ref; the survivor's starts from the doomed worker's last checkpoint.
        var refs = Git(hosts.Remote, "for-each-ref", "--format=%(refname)", $"refs/orch/{runId}/first/").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var attempts = refs.Where(r => !r.EndsWith("/base", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.HasCount(2, attempts, string.Join('\n', refs));
        var edit = Git(hosts.Remote, "log", "-1", "--format=%s", attempts[0]).Trim();
        Assert.AreEqual("orch: first EDIT", edit);
        Assert.AreEqual(0, GitExit(hosts.Remote, "merge-base", "--is-ancestor", attempts[0], attempts[1]), "the takeover built on the pushed checkpoint");

        // Merged in dependency order on the coordinator: second started from first's merged work.
        Assert.AreEqual("one\ntwo\n", File.ReadAllText(Path.Combine(hosts.Coordinator, "src", "a.txt")));
        Assert.AreEqual("one\ntwo\n", File.ReadAllText(Path.Combine(hosts.Coordinator, "src", "b.txt")));
        var merges = Git(hosts.Coordinator, "log", "--merges", "--format=%s").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        CollectionAssert.AreEqual(new[] { $"orch: merge workstream second ({runId})", $"orch: merge workstream first ({runId})" }, merges);
    }

    [TestMethod]
    public async Task Run_WhenAWorkersHostIsPausedPastItsLease_TheTakeoverFinishes_AndTheStaleWorkerRecordsAndPushesNothing()
    {
        await using var queue = await PostgresQueue.OnSharedServerAsync();
        var (hosts, marks, paused, coordinator, printed) = await StartUntilStaticHangsAsync(queue, "paused");
        using var running = coordinator;

        // The whole host stops (a suspended VM): the worker, and the run-workstream process in its job's group.
        var group = await HandedOverProcessAsync(queue, hosts, "paused");
        Signal($"-STOP {paused.Id}");
        Signal($"-STOP -- -{group}");
        queue.StartWorkerIn(hosts.CloneFor("other"), "other", "--lease", "3");
        using (var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            await coordinator.WaitForExitAsync(patience.Token);
        }

        var output = string.Join('\n', await printed);
        Assert.AreEqual(0, coordinator.ExitCode, output);
        var runId = (string)(await queue.ScalarAsync("SELECT id FROM runs;"))!;
        var refsBefore = Git(hosts.Remote, "for-each-ref", "--format=%(refname) %(objectname)", "refs/orch/");
        var eventsBefore = await queue.CountAsync("SELECT count(*) FROM events;");

        // Its run-workstream wakes first, while its worker still sleeps (so no one kills it): it sees the run over and
        // tries to record the workstream as cancelled. Then the worker wakes, and its renewal is refused. Neither may
        // change anything.
        Signal($"-CONT -- -{group}");
        await EventuallyAsync(() => !Directory.Exists($"/proc/{group}") || File.ReadAllText($"/proc/{group}/stat").Contains(") Z ", StringComparison.Ordinal),
            "the stale workstream process to give up");
        Signal($"-CONT {paused.Id}");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.AreEqual("succeeded", await queue.ScalarAsync("SELECT status FROM workstreams WHERE id = 'first';"), "the stale worker's verdict never lands");
        Assert.AreEqual(eventsBefore, await queue.CountAsync("SELECT count(*) FROM events;"), "nothing recorded after the takeover");
        Assert.AreEqual(refsBefore, Git(hosts.Remote, "for-each-ref", "--format=%(refname) %(objectname)", "refs/orch/"), "nothing pushed");
        Assert.AreEqual("other", await queue.ScalarAsync("SELECT owner_host FROM jobs WHERE tool = 'orch-workstream' AND workstream_id = 'first';"));
        Assert.HasCount(1, File.ReadAllLines(Path.Combine(marks, "edits.log")));
        StringAssert.Contains(Git(hosts.Coordinator, "log", "--merges", "--format=%s"), $"orch: merge workstream first ({runId})");
    }

    [TestMethod]
    public async Task Worker_StoppedWithCtrlC_MidWorkstream_LeavesNoToolRunning_AndTheNextWorkerFinishesTheRun()
    {
        await using var queue = await PostgresQueue.OnSharedServerAsync();
        var (hosts, marks, stopped, coordinator, printed) = await StartUntilStaticHangsAsync(queue, "stopped");
        using var running = coordinator;
        Assert.IsTrue(ToolsAlive(marks), "the hanging STATIC check runs, in a session of its own");

        Signal($"-INT {stopped.Id}");
        using (var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await stopped.WaitForExitAsync(patience.Token);
        }

        Assert.AreEqual(130, stopped.ExitCode);
        Assert.IsFalse(ToolsAlive(marks), "the workstream's Orch stopped its tools before it ended: none outlives the worker");
        Assert.AreEqual("queued", await queue.ScalarAsync("SELECT status FROM jobs WHERE tool = 'orch-workstream' AND workstream_id = 'first';"),
            "a stopped worker's workstream goes back to the queue");
        queue.StartWorkerIn(hosts.CloneFor("next"), "next", "--lease", "3");
        using (var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            await coordinator.WaitForExitAsync(patience.Token);
        }

        Assert.AreEqual(0, coordinator.ExitCode, string.Join('\n', await printed));
        Assert.HasCount(1, File.ReadAllLines(Path.Combine(marks, "edits.log")), "EDIT ran once");
    }

    // A process whose command line names this test's marks folder: the STATIC check's shell.
    private static bool ToolsAlive(string marks) => Directory.GetDirectories("/proc").Any(dir =>
    {
        try
        {
            return int.TryParse(Path.GetFileName(dir), out _) && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marks, StringComparison.Ordinal)
                   && !File.ReadAllText(Path.Combine(dir, "stat")).Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    });

    [TestMethod]
    public async Task Run_OnSqlite_WithAWorkerInAnotherCloneOfThisMachine_MergesEachWorkstreamInDependencyOrder()
    {
        using var folder = new TempDirectory();
        var hosts = Hosts(folder);
        var marks = folder.Combine("marks");
        Directory.CreateDirectory(marks);
        hosts.Commit("plan.yaml", Plan(marks));
        // One database file for all: the coordinator's. Workers on this machine point at it.
        var database = Path.Combine(hosts.Coordinator, ".orch", "state.db");
        using var worker = OrchProcess.Start(hosts.CloneFor("neighbour"), database, new Dictionary<string, string> { ["ORCH_HOST"] = "neighbour" },
            "worker", "--lease", "3");
        try
        {
            var run = await OrchProcess.RunAsync(hosts.Coordinator, database, null, "run", "plan.yaml", "--distribute", hosts.Remote);

            Assert.AreEqual(0, run.Exit, run.Out + run.Err);
            StringAssert.Contains(run.Out, "first: queued for a worker as job-");
            Assert.AreEqual("one\ntwo\n", File.ReadAllText(Path.Combine(hosts.Coordinator, "src", "b.txt")), "second started from first's merged work");
            CollectionAssert.AreEqual(new[] { "neighbour" }, File.ReadAllLines(Path.Combine(marks, "static.log")));
            Assert.AreEqual(2, Git(hosts.Coordinator, "log", "--merges", "--format=%s").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
    }

    [TestMethod]
    public async Task Run_WhenTheWorkersCloneCannotReachTheRemote_FailsTheWorkstreamAsWorkerFailed_WithWhy()
    {
        await using var queue = await PostgresQueue.OnSharedServerAsync();
        var hosts = Hosts(queue.Folder);
        var marks = queue.Folder.Combine("marks");
        Directory.CreateDirectory(marks);
        hosts.Commit("plan.yaml", Plan(marks));
        // A worker started outside any clone has no repository to make worktrees in.
        var nowhere = queue.Folder.Combine("not-a-clone");
        Directory.CreateDirectory(nowhere);
        queue.StartWorkerIn(nowhere, "lonely", "--lease", "3");

        var run = await OrchProcess.RunAsync(hosts.Coordinator, queue.Address, null, "run", "plan.yaml", "--distribute", "origin", "--format", "json");

        Assert.AreEqual(1, run.Exit, run.Out + run.Err);
        StringAssert.Contains(run.Out, "worker_failed");
        StringAssert.Contains(run.Out, "lonely");
        Assert.AreEqual("failed", await queue.ScalarAsync("SELECT status FROM workstreams WHERE id = 'first';"));
        StringAssert.Contains((string)(await queue.ScalarAsync("SELECT error FROM jobs WHERE tool = 'orch-workstream';"))!, "exit code 1");
        Assert.IsFalse(File.Exists(Path.Combine(marks, "edits.log")), "nothing ran");
    }

    // The coordinator and one worker, until STATIC of 'first' hangs on that worker (after EDIT was checkpointed,
    // pushed and recorded there).
    private static async Task<(Topology Hosts, string Marks, Process Worker, Process Coordinator, Task<string[]> Printed)> StartUntilStaticHangsAsync(
        PostgresQueue queue, string host)
    {
        var hosts = Hosts(queue.Folder);
        var marks = queue.Folder.Combine("marks");
        Directory.CreateDirectory(marks);
        File.WriteAllText(Path.Combine(marks, "hang"), "");
        hosts.Commit("plan.yaml", Plan(marks));
        var worker = queue.StartWorkerIn(hosts.CloneFor(host), host, "--lease", "3");
        var coordinator = OrchProcess.Start(hosts.Coordinator, queue.Address, null, "run", "plan.yaml", "--distribute", "origin", "--parallel", "2");
        var printed = Task.WhenAll(coordinator.StandardOutput.ReadToEndAsync(), coordinator.StandardError.ReadToEndAsync());
        await EventuallyAsync(() => File.Exists(Path.Combine(marks, "static.log")), "STATIC to start on the first host");
        return (hosts, marks, worker, coordinator, printed);
    }

    // The pid of the running workstream's process: its worker's supervisor wrote it to the exit ledger in the worker's clone.
    private static async Task<int> HandedOverProcessAsync(PostgresQueue queue, Topology hosts, string host) =>
        (await queue.ProcessOfRunningJobAsync(hosts.PathOf(host), "tool = 'orch-workstream'")) ?? throw new AssertFailedException("the workstream's process is in no ledger");

    private sealed record Topology(string Remote, string Coordinator, TempDirectory Folder)
    {
        public string PathOf(string host) => Folder.Combine("hosts", host);

        public string CloneFor(string host)
        {
            var path = PathOf(host);
            Git(Folder.Path, "clone", "-q", Remote, path);
            return path;
        }

        public void Commit(string file, string content)
        {
            File.WriteAllText(Path.Combine(Coordinator, file), content);
            Git(Coordinator, "add", file);
            Git(Coordinator, "commit", "-q", "-m", $"add {file}");
            Git(Coordinator, "push", "-q", "origin", "master");
        }
    }

    // A real project's shape: `master`, a bare remote every host reaches, and a coordinator clone of it.
    private static Topology Hosts(TempDirectory folder)
    {
        var remote = folder.Combine("remote.git");
        Git(folder.Path, "init", "-q", "--bare", "-b", "master", remote);
        var coordinator = folder.Combine("hosts", "coordinator");
        Git(folder.Path, "clone", "-q", remote, coordinator);
        Directory.CreateDirectory(Path.Combine(coordinator, "src"));
        File.WriteAllText(Path.Combine(coordinator, "src", "a.txt"), "one\n");
        Git(coordinator, "add", "-A");
        Git(coordinator, "commit", "-q", "-m", "initial");
        Git(coordinator, "push", "-q", "origin", "master");
        return new Topology(remote, coordinator, folder);
    }

    private static string Git(string directory, params string[] args)
    {
        var (exit, output, error) = TestRepository.RunGit(directory, args);
        Assert.AreEqual(0, exit, $"git {string.Join(' ', args)}: {error}");
        return output;
    }

    private static int GitExit(string directory, params string[] args) => TestRepository.RunGit(directory, args).Exit;

    private static void Signal(string arguments) => Process.Start("kill", arguments)!.WaitForExit();

    private static void KillGroup(int pid) => Process.Start("kill", $"-KILL -- -{pid}")!.WaitForExit();

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                Assert.Fail($"timed out after {clock.Elapsed.TotalSeconds:0} s waiting for {what}");
            }

            await Task.Delay(100);
        }
    }
}
