using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Queue;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Testing;

namespace Orch.Core.Tests.Queue;

[TestClass]
public sealed class ReconcilerTests
{
    private static JobSpec Spec(string root) => new() { Name = "x", Tool = "process", Command = ["true"], RepositoryRoot = root, WorkingDirectory = root };

    private static WorkerIdentity Owner(string prefix, int pid) =>
        new($"{prefix}{Environment.MachineName}:{pid}:aa", Environment.MachineName, new ProcessIdentity(pid, 1));

    [TestMethod]
    public async Task Reconcile_WorkerJobWithDeadOwner_IsRequeued()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        await store.EnqueueJobsAsync(null, [Spec(dir.Path)], CancellationToken.None);
        var dead = Owner(OwnerIdentity.WorkerPrefix, 999_001);
        var job = (await store.ClaimNextJobAsync(dead, CancellationToken.None))!;

        var changed = await new Reconciler(store, TimeProvider.System, p => p.ProcessId != 999_001).ReconcileAsync(OwnerIdentity.Worker(), CancellationToken.None);

        Assert.AreEqual(1, changed);
        Assert.AreEqual(JobStatus.Queued, (await store.GetJobAsync(job.Id, CancellationToken.None))!.Status);
    }

    [TestMethod]
    public async Task Reconcile_JobWithLiveOwner_IsLeftAlone()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        await store.EnqueueJobsAsync(null, [Spec(dir.Path)], CancellationToken.None);
        var job = (await store.ClaimNextJobAsync(Owner(OwnerIdentity.WorkerPrefix, 999_002), CancellationToken.None))!;

        var changed = await new Reconciler(store, TimeProvider.System, _ => true).ReconcileAsync(OwnerIdentity.Worker(), CancellationToken.None);

        Assert.AreEqual(0, changed);
        Assert.AreEqual(JobStatus.Running, (await store.GetJobAsync(job.Id, CancellationToken.None))!.Status);
    }

    [TestMethod]
    public async Task Reconcile_DirectRunJobWithDeadOwner_IsFailedNotRequeued()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        var job = await store.StartJobAsync(null, Spec(dir.Path), Owner(OwnerIdentity.DirectPrefix, 999_003), CancellationToken.None);

        await new Reconciler(store, TimeProvider.System, _ => false).ReconcileAsync(OwnerIdentity.Worker(), CancellationToken.None);

        var stored = (await store.GetJobAsync(job.Id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Failed, stored.Status);
        StringAssert.Contains(stored.Error, "died before the job ended");
    }

    [TestMethod]
    public async Task Reconcile_JobThatKeepsKillingItsWorker_IsAbandonedAfterMaxRecoveries()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        await store.EnqueueJobsAsync(null, [Spec(dir.Path)], CancellationToken.None);
        var reconciler = new Reconciler(store, TimeProvider.System, _ => false);
        string id = "";
        for (var i = 0; i <= Reconciler.MaxRecoveries; i++)
        {
            id = (await store.ClaimNextJobAsync(Owner(OwnerIdentity.WorkerPrefix, 999_100 + i), CancellationToken.None))!.Id;
            await reconciler.ReconcileAsync(OwnerIdentity.Worker(), CancellationToken.None);
        }

        var stored = (await store.GetJobAsync(id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Failed, stored.Status);
        Assert.AreEqual(Reconciler.MaxRecoveries, stored.Recoveries);
        StringAssert.Contains(stored.Error, "abandoned after 3 recoveries");
    }

    [TestMethod]
    public async Task Reconcile_JobThatFinishedAfterItsWorkerDied_IsCompletedFromItsExitLedgerNotRunAgain()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        await store.EnqueueJobsAsync(null, [Spec(dir.Path)], CancellationToken.None);
        var job = (await store.ClaimNextJobAsync(Owner(OwnerIdentity.WorkerPrefix, 999_200), CancellationToken.None))!;
        await store.RecordProcessAsync(job.Id, job.Fence, new ProcessIdentity(999_201, 1), CancellationToken.None);
        var ledger = ExitLedger.PathFor(job.Spec.RepositoryRoot, job.Owner!.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(ledger)!);
        // Another job's line and a key that only starts like this one's come first: only the exact key counts.
        File.WriteAllText(ledger, $"job-other.0 0\n{job.Id}.{job.Recoveries}0 1\n{job.Id}.{job.Recoveries} 0\n");

        await new Reconciler(store, TimeProvider.System, _ => false).ReconcileAsync(OwnerIdentity.Worker(), CancellationToken.None);

        var stored = (await store.GetJobAsync(job.Id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Succeeded, stored.Status, "its work is done; running it again would do it twice");
        Assert.AreEqual(0, stored.ExitCode);
        Assert.AreEqual(0, stored.Recoveries);
        Assert.IsFalse(File.Exists(ledger), "every job of the dead worker is settled, so its ledger goes");
        Assert.IsNull(await store.ClaimNextJobAsync(Owner(OwnerIdentity.WorkerPrefix, 999_202), CancellationToken.None), "nothing was requeued");
    }

    [TestMethod]
    public async Task Reconcile_HandedOverWorkstreamThatFinishedAfterItsWorkerDied_IsCompletedFromTheLedgerInTheWorkersClone()
    {
        using var coordinator = new TempDirectory();
        using var clone = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(coordinator.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        await store.EnqueueJobsAsync("run-1", [Orch.Core.Workflow.Distribution.WorkstreamJob.For("run-1", "api", coordinator.Path)], CancellationToken.None);
        var job = (await store.ClaimNextJobAsync(Owner(OwnerIdentity.WorkerPrefix, 999_300), CancellationToken.None))!;
        await store.RecordProcessAsync(job.Id, job.Fence, new ProcessIdentity(999_301, 1), CancellationToken.None);
        // The dead worker ran it in its own clone, so its shell wrote the ledger there, not under the coordinator's repository.
        var ledger = ExitLedger.PathFor(clone.Path, job.Owner!.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(ledger)!);
        File.WriteAllText(ledger, $"{job.Id}.{job.Recoveries} 0\n");

        await new Reconciler(store, TimeProvider.System, _ => false)
        {
            LedgerRootOf = j => Orch.Core.Workflow.Distribution.WorkstreamJob.Is(j) ? clone.Path : null,
        }.ReconcileAsync(OwnerIdentity.Worker(), CancellationToken.None);

        var stored = (await store.GetJobAsync(job.Id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Succeeded, stored.Status, "the workstream's verdict was reached; handing it over again would start it twice");
        Assert.AreEqual(0, stored.Recoveries);
        Assert.IsFalse(File.Exists(ledger));
    }

    [TestMethod]
    public async Task Reconcile_DeadWorkerWhoseSupervisorStillRunsAJob_StopsTheJobAndRequeuesIt_ThoughTheSupervisorRecordedTheKill()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        await store.EnqueueJobsAsync(null, [Spec(dir.Path)], CancellationToken.None);
        var job = (await store.ClaimNextJobAsync(Owner(OwnerIdentity.WorkerPrefix, 999_400), CancellationToken.None))!;
        await store.RecordProcessAsync(job.Id, job.Fence, new ProcessIdentity(999_401, 1), CancellationToken.None);
        var ledger = ExitLedger.PathFor(job.Spec.RepositoryRoot, job.Owner!.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(ledger)!);
        File.WriteAllText(ledger, $"{ExitLedger.SupervisorMark}999402 1\n");
        var jobAlive = true;
        var supervisorChecks = 0;

        await new Reconciler(store, TimeProvider.System, p => p.ProcessId switch
        {
            999_401 => jobAlive,
            // The supervisor sees the job die from the reconciler's kill, records that, and ends.
            999_402 when ++supervisorChecks < 3 => true,
            999_402 => Stopped(),
            _ => false,
        }).ReconcileAsync(OwnerIdentity.Worker(), CancellationToken.None);

        var stored = (await store.GetJobAsync(job.Id, CancellationToken.None))!;
        Assert.IsGreaterThanOrEqualTo(3, supervisorChecks, "the reconciler waits for the supervisor to end before it reads the ledger");
        Assert.AreEqual(JobStatus.Queued, stored.Status, "the job was stopped half-way; its recorded exit (137) is the kill's, not the job's");
        Assert.AreEqual(1, stored.Recoveries);

        bool Stopped()
        {
            jobAlive = false;
            File.AppendAllText(ledger, $"{job.Id}.{job.Recoveries} 137\n");
            return false;
        }
    }

    [TestMethod]
    public async Task Reconcile_DeadWorkerWhoseSupervisorIsStillWritingAnExit_WaitsForIt_AndCompletesTheJobOnce()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        await store.EnqueueJobsAsync(null, [Spec(dir.Path)], CancellationToken.None);
        var job = (await store.ClaimNextJobAsync(Owner(OwnerIdentity.WorkerPrefix, 999_500), CancellationToken.None))!;
        await store.RecordProcessAsync(job.Id, job.Fence, new ProcessIdentity(999_501, 1), CancellationToken.None);
        var ledger = ExitLedger.PathFor(job.Spec.RepositoryRoot, job.Owner!.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(ledger)!);
        File.WriteAllText(ledger, $"{ExitLedger.SupervisorMark}999502 1\n");
        var supervisorChecks = 0;

        // The job has just ended; its supervisor writes its exit a moment later, then ends.
        await new Reconciler(store, TimeProvider.System, p => p.ProcessId == 999_502 && ++supervisorChecks switch
        {
            1 => true,
            2 => Wrote(),
            _ => false,
        }).ReconcileAsync(OwnerIdentity.Worker(), CancellationToken.None);

        var stored = (await store.GetJobAsync(job.Id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Succeeded, stored.Status, "its work is done; reading the ledger before the supervisor finished would run it again");
        Assert.AreEqual(0, stored.Recoveries);

        bool Wrote()
        {
            File.AppendAllText(ledger, $"{job.Id}.{job.Recoveries} 0\n");
            return true;
        }
    }

    [TestMethod]
    [TestCategory(Categories.Process)]
    public async Task Reconcile_DeadWorkerWhoseJobIsKnownOnlyFromTheLedgersStartLine_KillsThatProcessBeforeRequeuingTheJob()
    {
        using var dir = new TempDirectory();
        await using var store = await SqliteStateStore.OpenAsync(dir.Combine("state.db"), TimeProvider.System, CancellationToken.None);
        await store.EnqueueJobsAsync(null, [Spec(dir.Path)], CancellationToken.None);
        var job = (await store.ClaimNextJobAsync(Owner(OwnerIdentity.WorkerPrefix, 999_600), CancellationToken.None))!;
        // The supervisor started the job and wrote its start; the worker was killed before anything else: the database has no process.
        using var orphan = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("setsid", ["sleep", "60"]))!;
        // The supervisor's jobs lead their group from birth (POSIX_SPAWN_SETSID); setsid(1) gets there a moment after it
        // starts, and a kill of the group before that finds no group (a CI run lost that race).
        Assert.IsTrue(SpinWait.SpinUntil(() => ProcessInfo.GroupExists(orphan.Id), 5_000), "setsid made the sleep lead a group of its own");
        var started = new ProcessIdentity(orphan.Id, ProcessInfo.StartTicks(orphan.Id));
        var ledger = ExitLedger.PathFor(job.Spec.RepositoryRoot, job.Owner!.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(ledger)!);
        File.WriteAllText(ledger, $"{ExitLedger.SupervisorMark}999602 1\n{ExitLedger.StartedLine(ExitLedger.KeyFor(job.Id, job.Recoveries), started)}");

        try
        {
            await new Reconciler(store, TimeProvider.System, p => p.ProcessId is not (999_600 or 999_602) && ProcessInfo.IsAlive(p))
                .ReconcileAsync(OwnerIdentity.Worker(), CancellationToken.None);

            Assert.IsTrue(orphan.WaitForExit(5_000), "the job's process, named only in the ledger, was killed: it cannot finish beside its rerun");
            var stored = (await store.GetJobAsync(job.Id, CancellationToken.None))!;
            Assert.IsNull(stored.Process);
            Assert.AreEqual(JobStatus.Queued, stored.Status);
            Assert.AreEqual(1, stored.Recoveries);
        }
        finally
        {
            if (!orphan.HasExited)
            {
                orphan.Kill();
            }
        }
    }
}
