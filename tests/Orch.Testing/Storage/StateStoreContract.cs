using Orch.Abstractions.Diagnostics;
using Orch.Core.Git;
using Orch.Core.Jobs;
using Orch.Core.Migration;
using Orch.Core.Storage;
using Orch.Core.Testing;
using Orch.Core.Workflow;

namespace Orch.Testing.Storage;

/// <summary>
/// What every state backend must do, role by role. A backend's test class derives from this and says how to open a
/// store on a fresh database (and a second one on the same database); the same tests then run unchanged.
/// </summary>
public abstract class StateStoreContract
{
    private static readonly WorkerIdentity Owner = new("worker:contract:1:aa", "contract", new ProcessIdentity(1, 0));

    /// <summary>Prepares a fresh, empty database for one test.</summary>
    protected abstract Task InitializeDatabaseAsync();

    /// <summary>Opens a store on the database <see cref="InitializeDatabaseAsync"/> made; may be called more than once.</summary>
    protected abstract Task<IStateStore> OpenAsync();

    /// <summary>Removes the database.</summary>
    protected abstract Task CleanupDatabaseAsync();

    private async Task<IStateStore> FreshAsync()
    {
        await InitializeDatabaseAsync();
        return await OpenAsync();
    }

    private static JobSpec Spec(string name, string tool = "process") => new()
    {
        Name = name, Tool = tool, Command = ["true"], RepositoryRoot = "/repo", WorkingDirectory = "/repo",
    };

    [TestCleanup]
    public Task CleanupAsync() => CleanupDatabaseAsync();

    [TestMethod]
    public async Task Runs_CreateFinishReopen_KeepStatusReasonAndOptions()
    {
        await using var store = await FreshAsync();

        var run = await store.CreateRunAsync("plan", "/repo/plan.yaml", CancellationToken.None);
        await store.SetRunOptionsAsync(run.Id, """{"plan":"p"}""", CancellationToken.None);
        await store.FinishRunAsync(run.Id, RunStatus.Failed, "oscillation", CancellationToken.None);
        var finished = await store.GetRunAsync(run.Id, CancellationToken.None);
        await store.ReopenRunAsync(run.Id, CancellationToken.None);
        var reopened = await store.GetRunAsync(run.Id, CancellationToken.None);

        Assert.AreEqual(RunStatus.Failed, finished!.Status);
        Assert.AreEqual("oscillation", finished.StopReason);
        Assert.IsNotNull(finished.FinishedAt);
        Assert.AreEqual(RunStatus.Running, reopened!.Status);
        Assert.AreEqual("""{"plan":"p"}""", await store.GetRunOptionsAsync(run.Id, CancellationToken.None));
        Assert.IsNull(await store.GetRunAsync("run-missing", CancellationToken.None));
    }

    [TestMethod]
    public async Task Runs_ListNewestFirstWithinTheLimit()
    {
        await using var store = await FreshAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await store.CreateRunAsync("job", null, CancellationToken.None)).Id);
        }

        var listed = await store.ListRunsAsync(2, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { ids[2], ids[1] }, listed.Select(r => r.Id).ToArray());
    }

    [TestMethod]
    public async Task Workstreams_PhasesAndWorktrees_RoundTripTheirStatusesAndKeepTheLastCheckpoint()
    {
        await using var store = await FreshAsync();
        var run = await store.CreateRunAsync("plan", null, CancellationToken.None);

        await store.SaveWorkstreamAsync(new WorkstreamRecord(run.Id, "a", "A", WorkstreamStatus.Running, null, 0, null, DateTimeOffset.UnixEpoch, null), CancellationToken.None);
        await store.SaveWorkstreamAsync(new WorkstreamRecord(run.Id, "a", "A", WorkstreamStatus.NeedsAttention, StopReason.NeedsAttention, 4, "chain ran out", null, null), CancellationToken.None);
        await store.SavePhaseAsync(new PhaseRecord(run.Id, "a", PhaseName.Static, PhaseStatus.Running, 1, null, "abc123"), CancellationToken.None);
        await store.SavePhaseAsync(new PhaseRecord(run.Id, "a", PhaseName.Static, PhaseStatus.Failed, 2, StopReason.Oscillation, null), CancellationToken.None);
        await store.SaveWorktreeAsync(new WorktreeRecord("/wt/a", run.Id, "a", "orch/r/a", "base", null, WorktreeStatus.Active), CancellationToken.None);
        await store.SaveWorktreeAsync(new WorktreeRecord("/wt/a", run.Id, "a", "orch/r/a", "base", null, WorktreeStatus.BranchKept), CancellationToken.None);

        var ws = (await store.ListWorkstreamsAsync(run.Id, CancellationToken.None)).Single();
        var phase = (await store.ListPhasesAsync(run.Id, "a", CancellationToken.None)).Single();
        var tree = (await store.ListWorktreesAsync(run.Id, CancellationToken.None)).Single();
        Assert.AreEqual(WorkstreamStatus.NeedsAttention, ws.Status);
        Assert.AreEqual(StopReason.NeedsAttention, ws.StopReason);
        Assert.AreEqual(4, ws.Attempts);
        Assert.AreEqual(PhaseStatus.Failed, phase.Status);
        Assert.AreEqual(StopReason.Oscillation, phase.StopReason);
        Assert.AreEqual("abc123", phase.CheckpointSha, "a save without a checkpoint keeps the last one");
        Assert.AreEqual(WorktreeStatus.BranchKept, tree.Status);
    }

    [TestMethod]
    public async Task Jobs_List_GivesTheNewestThatMatch_OldestOfThemFirst()
    {
        await using var store = await FreshAsync();
        var older = await store.CreateRunAsync("job", null, CancellationToken.None);
        var newer = await store.CreateRunAsync("job", null, CancellationToken.None);
        await store.EnqueueJobsAsync(older.Id, [Spec("o1"), Spec("o2"), Spec("o3")], CancellationToken.None);
        await store.EnqueueJobsAsync(newer.Id, [Spec("n1"), Spec("n2")], CancellationToken.None);
        await store.EnqueueJobsAsync(older.Id, [Spec("o4")], CancellationToken.None);
        var claimed = await store.ClaimNextJobAsync(Owner, CancellationToken.None);

        string[] Names(IReadOnlyList<JobRecord> jobs) => [.. jobs.Select(j => j.Spec.Name)];

        CollectionAssert.AreEqual(new[] { "n1", "n2", "o4" }, Names(await store.ListJobsAsync(new JobQuery(Limit: 3), CancellationToken.None)));
        CollectionAssert.AreEqual(new[] { "o3", "o4" }, Names(await store.ListJobsAsync(new JobQuery(RunId: older.Id, Limit: 2), CancellationToken.None)));
        CollectionAssert.AreEqual(new[] { "n2", "o4" }, Names(await store.ListJobsAsync(new JobQuery(JobStatus.Queued, Limit: 2), CancellationToken.None)));
        CollectionAssert.AreEqual(new[] { "o2", "o3", "o4" }, Names(await store.ListJobsAsync(new JobQuery(JobStatus.Queued, older.Id), CancellationToken.None)));
        Assert.AreEqual("o1", claimed!.Spec.Name);
        CollectionAssert.AreEqual(new[] { "o1", "o2", "o3", "n1", "n2", "o4" }, Names(await store.ListJobsAsync(new JobQuery(), CancellationToken.None)));
    }

    [TestMethod]
    public async Task Jobs_EnqueueClaimComplete_MoveThroughTheirLifeWithEventsAttemptsAndDeduplicatedFindings()
    {
        await using var store = await FreshAsync();
        var run = await store.CreateRunAsync("job", null, CancellationToken.None);
        var queued = await store.EnqueueJobsAsync(run.Id, [Spec("first"), Spec("second")], CancellationToken.None);

        var claimed = await store.ClaimNextJobAsync(Owner, CancellationToken.None);
        var finding = new Finding("src/a.cs", 3, 1, "CS0103", "missing name", FindingSeverity.Error, "dotnet");
        await store.CompleteJobAsync(new JobCompletion
        {
            JobId = claimed!.Id, Status = JobStatus.Failed, ExitCode = 1, Error = "exit code 1",
            Attempts = [new AttemptRecord(1, JobStatus.Failed, 1, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), "exit code 1", TimeSpan.Zero)],
            Findings = [finding, finding with { Line = 4 }],
            Events = [new NewEvent("job.finished", DateTimeOffset.UnixEpoch, run.Id, claimed.Id, """{"status":"failed"}""")],
            Costs = [new CostEntry(1, "claude", "m", 10, 0, 5, 0.25m, false)],
        }, CancellationToken.None);

        Assert.AreEqual(queued[0].Id, claimed.Id, "the oldest queued job is claimed first");
        Assert.AreEqual(JobStatus.Running, claimed.Status);
        Assert.AreEqual(Owner.Id, claimed.Owner!.Id);
        var stored = await store.GetJobAsync(claimed.Id, CancellationToken.None);
        Assert.AreEqual(JobStatus.Failed, stored!.Status);
        Assert.AreEqual(1, stored.ExitCode);
        Assert.HasCount(1, await store.ListAttemptsAsync(claimed.Id, CancellationToken.None));
        var findings = await store.ListFindingsAsync(run.Id, CancellationToken.None);
        Assert.AreEqual(2, findings.Single().Count, "the same finding on another line is one finding seen twice");
        var kinds = (await store.ReadEventsAsync(claimed.Id, 0, 100, CancellationToken.None)).Select(e => e.Kind).ToList();
        CollectionAssert.AreEqual(new[] { "job.queued", "job.started", "job.finished" }, kinds);
        Assert.AreEqual(0.25m, await store.SumCostAsync(run.Id, null, null, CancellationToken.None));
        var counts = await store.CountJobsAsync(CancellationToken.None);
        Assert.AreEqual(1, counts[JobStatus.Failed]);
        Assert.AreEqual(1, counts[JobStatus.Queued]);
    }

    [TestMethod]
    public async Task CheckFindings_EachJobKeepsWhatItFoundAsItFoundIt_AndACleanJobIsListedEmpty()
    {
        await using var store = await FreshAsync();
        var run = await store.CreateRunAsync("plan", null, CancellationToken.None);
        var jobs = await store.EnqueueJobsAsync(run.Id, [Spec("w:static-1-1"), Spec("w:static-2-1"), Spec("w:static-3-1")], CancellationToken.None);
        var finding = new Finding("src/a.cs", 3, 1, "CS0103", "missing name", FindingSeverity.Error, "dotnet");
        foreach (var (job, found) in jobs.Zip(new Finding[][] { [finding], [finding with { Line = 7 }], [] }))
        {
            var claimed = await store.ClaimNextJobAsync(Owner, CancellationToken.None);
            Assert.AreEqual(job.Id, claimed!.Id);
            await store.CompleteJobAsync(new JobCompletion { JobId = job.Id, Status = found.Length == 0 ? JobStatus.Succeeded : JobStatus.Failed, Findings = found },
                CancellationToken.None);
        }

        var checks = await store.ListCheckFindingsAsync(run.Id, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "w:static-1-1", "w:static-2-1", "w:static-3-1" }, checks.Select(c => c.Name).ToArray());
        Assert.AreEqual(3, checks[0].Findings.Single().Line);
        Assert.AreEqual(7, checks[1].Findings.Single().Line, "the second round as it was, though the run keeps one row for the finding");
        Assert.IsEmpty(checks[2].Findings);
    }

    [TestMethod]
    public async Task Runs_CreatedWithOptions_HaveThemFromTheFirstCommit()
    {
        await using var store = await FreshAsync();

        var run = await store.CreateRunAsync("plan", "/repo/plan.yaml", """{"plan":"/repo/plan.yaml"}""", CancellationToken.None);

        Assert.AreEqual("""{"plan":"/repo/plan.yaml"}""", await store.GetRunOptionsAsync(run.Id, CancellationToken.None));
    }

    [TestMethod]
    public async Task Runs_RequestCancel_OnlyOnceAndOnlyWhileRunning_AndResumeClearsIt()
    {
        await using var store = await FreshAsync();
        var run = await store.CreateRunAsync("plan", null, CancellationToken.None);

        Assert.IsTrue(await store.RequestCancelAsync(run.Id, CancellationToken.None));
        Assert.IsFalse(await store.RequestCancelAsync(run.Id, CancellationToken.None), "asked already");
        Assert.IsNotNull((await store.GetRunAsync(run.Id, CancellationToken.None))!.CancelRequestedAt);
        await store.FinishRunAsync(run.Id, RunStatus.Cancelled, "cancelled", CancellationToken.None);
        Assert.IsFalse(await store.RequestCancelAsync(run.Id, CancellationToken.None), "not running");
        await store.ReopenRunAsync(run.Id, CancellationToken.None);
        Assert.IsNull((await store.GetRunAsync(run.Id, CancellationToken.None))!.CancelRequestedAt, "a resumed run is not stopped by the old request");
        Assert.IsFalse(await store.RequestCancelAsync("run-none", CancellationToken.None));
    }

    [TestMethod]
    public async Task Jobs_ClaimFromTwoStoresAtOnce_HandEachJobOutExactlyOnce()
    {
        await using var first = await FreshAsync();
        await using var second = await OpenAsync();
        await first.EnqueueJobsAsync(null, Enumerable.Range(0, 40).Select(i => Spec($"job-{i}")).ToList(), CancellationToken.None);

        async Task<List<string>> DrainAsync(IStateStore store)
        {
            var taken = new List<string>();
            while (await store.ClaimNextJobAsync(Owner, CancellationToken.None) is { } job)
            {
                taken.Add(job.Id);
            }

            return taken;
        }

        var results = await Task.WhenAll(DrainAsync(first), DrainAsync(second));
        var all = results.SelectMany(r => r).ToList();

        Assert.HasCount(40, all);
        Assert.AreEqual(40, all.Distinct().Count(), "no job may be claimed twice");
    }

    [TestMethod]
    public async Task Jobs_Requeue_OnlyWhileTheExpectedOwnerHoldsIt()
    {
        await using var store = await FreshAsync();
        var job = await store.StartJobAsync(null, Spec("direct"), Owner, CancellationToken.None);

        var wrongOwner = await store.RequeueJobAsync(job.Id, "worker:someone-else", "test", CancellationToken.None);
        var rightOwner = await store.RequeueJobAsync(job.Id, Owner.Id, "owner died", CancellationToken.None);
        var again = await store.RequeueJobAsync(job.Id, Owner.Id, "owner died", CancellationToken.None);

        Assert.IsFalse(wrongOwner);
        Assert.IsTrue(rightOwner);
        Assert.IsFalse(again, "a job already back in the queue is not requeued twice");
        Assert.AreEqual(JobStatus.Queued, (await store.GetJobAsync(job.Id, CancellationToken.None))!.Status);
    }

    [TestMethod]
    public async Task Lease_AClaimRaisesTheFence_AndOnlyItsHolderMayRenewOrRecord()
    {
        await using var store = await FreshAsync();
        await store.EnqueueJobsAsync(null, [Spec("leased")], CancellationToken.None);

        var job = (await store.ClaimNextJobAsync(Owner, TimeSpan.FromSeconds(30), CancellationToken.None))!;
        var renewed = await store.RenewLeaseAsync(job.Id, job.Fence, TimeSpan.FromSeconds(30), CancellationToken.None);
        var stale = await store.RenewLeaseAsync(job.Id, job.Fence - 1, TimeSpan.FromSeconds(30), CancellationToken.None);
        var recorded = await store.RecordProcessAsync(job.Id, job.Fence, new ProcessIdentity(4242, 1), CancellationToken.None);
        var staleRecord = await store.RecordProcessAsync(job.Id, job.Fence + 1, new ProcessIdentity(4343, 1), CancellationToken.None);

        Assert.IsGreaterThan(0L, job.Fence);
        Assert.IsTrue(renewed);
        Assert.IsFalse(stale, "an older token renews nothing");
        Assert.IsTrue(recorded);
        Assert.IsFalse(staleRecord);
        Assert.AreEqual(4242, (await store.GetJobAsync(job.Id, CancellationToken.None))!.Process!.ProcessId);
        Assert.IsEmpty(await store.RescueExpiredLeasesAsync(3, CancellationToken.None), "a lease that holds is not rescued");
    }

    [TestMethod]
    public async Task CompleteAndClaimNext_StoresTheResultAndTakesTheNextJobAtOnce_AndARefusedResultTakesNothing()
    {
        await using var store = await FreshAsync();
        await store.EnqueueJobsAsync(null, [Spec("first"), Spec("second"), Spec("third")], CancellationToken.None);
        var first = (await store.ClaimNextJobAsync(Owner, TimeSpan.FromSeconds(30), CancellationToken.None))!;

        var second = await store.CompleteJobAndClaimNextAsync(new JobCompletion
        {
            JobId = first.Id, Fence = first.Fence, Status = JobStatus.Succeeded, ExitCode = 0,
            Attempts = [new AttemptRecord(1, JobStatus.Succeeded, 0, DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(3), null, TimeSpan.Zero)],
        }, Owner, TimeSpan.FromSeconds(30), CancellationToken.None);
        var stale = await Assert.ThrowsExactlyAsync<JobFencedException>(() => store.CompleteJobAndClaimNextAsync(
            new JobCompletion { JobId = second!.Id, Fence = second.Fence - 1, Status = JobStatus.Failed }, Owner, null, CancellationToken.None));
        var third = await store.CompleteJobAndClaimNextAsync(
            new JobCompletion { JobId = second!.Id, Fence = second.Fence, Status = JobStatus.Failed, ExitCode = 2, Error = "exit code 2" }, Owner, null, CancellationToken.None);
        var none = await store.CompleteJobAndClaimNextAsync(
            new JobCompletion { JobId = third!.Id, Fence = third.Fence, Status = JobStatus.Succeeded, ExitCode = 0 }, Owner, null, CancellationToken.None);

        Assert.AreEqual("second", second.Spec.Name, "the oldest queued job comes next");
        Assert.AreEqual(JobStatus.Running, second.Status);
        Assert.AreEqual(Owner.Id, second.Owner!.Id);
        Assert.AreEqual(second.Id, stale.JobId);
        Assert.AreEqual("third", third.Spec.Name, "the refused result took no job: the next one was still queued");
        Assert.IsNull(none, "an empty queue gives nothing, and the result is still stored");
        var stored = await store.ListJobsAsync(new JobQuery(), CancellationToken.None);
        CollectionAssert.AreEqual(new[] { JobStatus.Succeeded, JobStatus.Failed, JobStatus.Succeeded }, stored.Select(j => j.Status).ToArray());
        Assert.AreEqual(1, stored[0].Attempts);
        Assert.AreEqual("exit code 2", stored[1].Error);
        var kinds = (await store.ReadEventsAsync(second.Id, 0, 100, CancellationToken.None)).Select(e => e.Kind).ToList();
        CollectionAssert.AreEqual(new[] { "job.queued", "job.started" }, kinds, "one start for the job claimed with the first's result");
    }

    [TestMethod]
    public async Task Rescue_OfAnExpiredLease_RequeuesTheJob_AndFencesOffItsOldOwner()
    {
        await using var store = await FreshAsync();
        await store.EnqueueJobsAsync(null, [Spec("rescued")], CancellationToken.None);
        var first = (await store.ClaimNextJobAsync(Owner, TimeSpan.FromMilliseconds(1), CancellationToken.None))!;
        await Task.Delay(50);

        var rescued = await store.RescueExpiredLeasesAsync(3, CancellationToken.None);
        var second = (await store.ClaimNextJobAsync(Owner with { Id = "worker:contract:2:bb" }, TimeSpan.FromSeconds(30), CancellationToken.None))!;
        var staleRenew = await store.RenewLeaseAsync(first.Id, first.Fence, TimeSpan.FromSeconds(30), CancellationToken.None);
        var staleComplete = await Assert.ThrowsExactlyAsync<JobFencedException>(() => store.CompleteJobAsync(
            new JobCompletion { JobId = first.Id, Fence = first.Fence, Status = JobStatus.Failed, Error = "stale" }, CancellationToken.None));
        await store.CompleteJobAsync(new JobCompletion { JobId = second.Id, Fence = second.Fence, Status = JobStatus.Succeeded, ExitCode = 0 }, CancellationToken.None);
        // A retry after an answer that got lost: the same result again is stored once, without an error.
        await store.CompleteJobAsync(new JobCompletion { JobId = second.Id, Fence = second.Fence, Status = JobStatus.Succeeded, ExitCode = 0 }, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { first.Id }, rescued.ToArray());
        Assert.AreEqual(first.Id, second.Id);
        Assert.IsGreaterThan(first.Fence, second.Fence);
        Assert.IsFalse(staleRenew);
        Assert.AreEqual(first.Id, staleComplete.JobId);
        var stored = (await store.GetJobAsync(first.Id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Succeeded, stored.Status, "the old owner's result never lands");
        Assert.AreEqual(1, stored.Recoveries);
        var kinds = (await store.ReadEventsAsync(first.Id, 0, 100, CancellationToken.None)).Select(e => e.Kind).ToList();
        CollectionAssert.AreEqual(new[] { "job.queued", "job.started", "job.recovered", "job.started" }, kinds);
    }

    [TestMethod]
    public async Task FenceWrites_OnceTheJobMovesOn_RefusesEveryWriteOfEveryRole_AndKeepsWhatWasWritten()
    {
        await using var coordinator = await FreshAsync();
        var run = await coordinator.CreateRunAsync("plan", "plan.yaml", CancellationToken.None);
        await coordinator.EnqueueJobsAsync(run.Id, [Spec("handed-over")], CancellationToken.None);
        var claim = (await coordinator.ClaimNextJobAsync(Owner, TimeSpan.FromMilliseconds(1), CancellationToken.None))!;
        await using var fenced = await OpenAsync();
        fenced.FenceWrites(claim.Id, claim.Fence);

        await fenced.SaveWorkstreamAsync(new WorkstreamRecord(run.Id, "ws", null, WorkstreamStatus.Running, null, 0, "while held", null, null), CancellationToken.None);
        await Task.Delay(50);
        await coordinator.RescueExpiredLeasesAsync(3, CancellationToken.None);
        var afterRescue = await Assert.ThrowsExactlyAsync<JobFencedException>(() =>
            fenced.SaveWorkstreamAsync(new WorkstreamRecord(run.Id, "ws", null, WorkstreamStatus.Failed, null, 0, "stale", null, null), CancellationToken.None));
        await Assert.ThrowsExactlyAsync<JobFencedException>(() =>
            fenced.SavePhaseAsync(new PhaseRecord(run.Id, "ws", PhaseName.Edit, PhaseStatus.Succeeded, 1, StopReason.Success, "abc"), CancellationToken.None));
        await Assert.ThrowsExactlyAsync<JobFencedException>(() => fenced.StartJobAsync(run.Id, Spec("inner"), Owner, CancellationToken.None));

        Assert.AreEqual(claim.Id, afterRescue.JobId);
        var stored = (await coordinator.ListWorkstreamsAsync(run.Id, CancellationToken.None)).Single();
        Assert.AreEqual("while held", stored.Detail, "what was written while the job was held stays; nothing after");
        Assert.IsEmpty(await coordinator.ListPhasesAsync(run.Id, "ws", CancellationToken.None));
        Assert.HasCount(1, await coordinator.ListJobsAsync(new JobQuery(RunId: run.Id), CancellationToken.None), "the fenced job start was not stored");
    }

    [TestMethod]
    public async Task Lock_OfOneName_IsHeldByOneStoreAtATime_AndOtherNamesDoNotWait()
    {
        await using var first = await FreshAsync();
        await using var second = await OpenAsync();
        var held = await first.LockAsync("merge main", CancellationToken.None);

        var waiting = second.LockAsync("merge main", CancellationToken.None);
        await using (await second.LockAsync("merge other", CancellationToken.None))
        {
        }

        await Task.Delay(300);
        Assert.IsFalse(waiting.IsCompleted, "a second holder waits while the first holds the lock");
        await held.DisposeAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [TestMethod]
    public async Task Rescue_LeavesAJobThatCompletedInTime_AndFailsOnePastItsRecoveries()
    {
        await using var store = await FreshAsync();
        await store.EnqueueJobsAsync(null, [Spec("done"), Spec("doomed")], CancellationToken.None);
        var done = (await store.ClaimNextJobAsync(Owner, TimeSpan.FromMilliseconds(1), CancellationToken.None))!;
        var doomed = (await store.ClaimNextJobAsync(Owner, TimeSpan.FromMilliseconds(1), CancellationToken.None))!;
        await store.CompleteJobAsync(new JobCompletion { JobId = done.Id, Fence = done.Fence, Status = JobStatus.Succeeded }, CancellationToken.None);
        await Task.Delay(50);

        var rescued = await store.RescueExpiredLeasesAsync(0, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { doomed.Id }, rescued.ToArray());
        Assert.AreEqual(JobStatus.Succeeded, (await store.GetJobAsync(done.Id, CancellationToken.None))!.Status);
        var failed = (await store.GetJobAsync(doomed.Id, CancellationToken.None))!;
        Assert.AreEqual(JobStatus.Failed, failed.Status, "no recoveries left: it fails instead of running again");
        StringAssert.Contains(failed.Error, "lease");
        Assert.IsNull(await store.ClaimNextJobAsync(Owner, CancellationToken.None));
    }

    [TestMethod]
    public async Task Claim_WithoutALease_IsNeverRescued_AndARequeueWithAStaleFenceChangesNothing()
    {
        await using var store = await FreshAsync();
        await store.EnqueueJobsAsync(null, [Spec("unleased")], CancellationToken.None);
        var job = (await store.ClaimNextJobAsync(Owner, CancellationToken.None))!;
        await Task.Delay(20);

        var rescued = await store.RescueExpiredLeasesAsync(3, CancellationToken.None);
        var stale = await store.RequeueJobAsync(job.Id, Owner.Id, job.Fence + 1, "stale", CancellationToken.None);
        var current = await store.RequeueJobAsync(job.Id, Owner.Id, job.Fence, "worker stopped", CancellationToken.None);

        Assert.IsEmpty(rescued);
        Assert.IsFalse(stale);
        Assert.IsTrue(current);
        Assert.AreEqual(JobStatus.Queued, (await store.GetJobAsync(job.Id, CancellationToken.None))!.Status);
    }

    [TestMethod]
    public async Task Events_ReadInOrderAfterAnIdAndPerSubject()
    {
        await using var store = await FreshAsync();
        await store.AppendEventsAsync(
        [
            new NewEvent("wave.started", DateTimeOffset.UnixEpoch, "run-a", null, """{"wave":1}"""),
            new NewEvent("wave.started", DateTimeOffset.UnixEpoch, "run-b", null, null),
            new NewEvent("wave.started", DateTimeOffset.UnixEpoch, "run-a", null, """{"wave":2}"""),
        ], CancellationToken.None);

        var all = await store.ReadEventsAsync(null, 0, 100, CancellationToken.None);
        var runA = await store.ReadEventsAsync("run-a", 0, 100, CancellationToken.None);
        var after = await store.ReadEventsAsync(null, all[0].Id, 1, CancellationToken.None);

        Assert.HasCount(3, all);
        Assert.IsTrue(all[0].Id < all[1].Id && all[1].Id < all[2].Id, "ids only grow");
        CollectionAssert.AreEqual(new[] { """{"wave":1}""", """{"wave":2}""" }, runA.Select(e => e.Data).ToArray());
        Assert.AreEqual(all[1].Id, after.Single().Id);
        Assert.AreEqual(all[2].Id, await store.LastEventIdAsync(CancellationToken.None), "a view follows on from the newest event");
    }

    [TestMethod]
    public async Task Events_OfARunOrAJob_ComeInIdOrder_WithTheJobsOwnEvents_AndPageAfterAnId()
    {
        await using var store = await FreshAsync();
        await store.AppendEventsAsync(
        [
            new NewEvent("run.started", DateTimeOffset.UnixEpoch, "run-a", null, "1"),
            new NewEvent("job.queued", DateTimeOffset.UnixEpoch, null, "job-x", "2"),
            new NewEvent("job.started", DateTimeOffset.UnixEpoch, "run-a", "job-x", "3"),
            new NewEvent("run.started", DateTimeOffset.UnixEpoch, "run-b", "job-y", "4"),
            new NewEvent("job.finished", DateTimeOffset.UnixEpoch, "run-b", "job-x", "5"),
            new NewEvent("run.finished", DateTimeOffset.UnixEpoch, "run-a", null, "6"),
        ], CancellationToken.None);

        var runA = await store.ReadEventsAsync("run-a", 0, 100, CancellationToken.None);
        var jobX = await store.ReadEventsAsync("job-x", 0, 100, CancellationToken.None);
        var firstPage = await store.ReadEventsAsync("job-x", 0, 2, CancellationToken.None);
        var nextPage = await store.ReadEventsAsync("job-x", firstPage[^1].Id, 2, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "1", "3", "6" }, runA.Select(e => e.Data).ToArray(), "the run's events, its jobs' among them, in order");
        CollectionAssert.AreEqual(new[] { "2", "3", "5" }, jobX.Select(e => e.Data).ToArray(), "a job's events with or without a run, each once, in order");
        CollectionAssert.AreEqual(new[] { "2", "3" }, firstPage.Select(e => e.Data).ToArray());
        CollectionAssert.AreEqual(new[] { "5" }, nextPage.Select(e => e.Data).ToArray());
        Assert.IsEmpty(await store.ReadEventsAsync("nobody", 0, 100, CancellationToken.None));
    }

    [TestMethod]
    public async Task LastEventId_OnAnEmptyLog_IsZero()
    {
        await using var store = await FreshAsync();

        Assert.AreEqual(0, await store.LastEventIdAsync(CancellationToken.None));
    }

    [TestMethod]
    public async Task Events_TheStoreWritesItself_AreToldAfterTheirCommit()
    {
        await using var store = await FreshAsync();
        var told = new List<Orch.Abstractions.Events.OrchEvent>();
        store.OnRecorded = told.Add;

        var run = await store.CreateRunAsync("job", null, CancellationToken.None);
        var job = await store.StartJobAsync(run.Id, Spec("direct"), Owner, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "run.started", "job.started" }, told.Select(e => e.Kind).ToArray());
        Assert.AreEqual(job.Id, told[1].JobId);
        Assert.AreEqual(run.Id, told[1].RunId);
    }

    [TestMethod]
    public async Task Costs_SumPerWorkstreamAndPhase()
    {
        await using var store = await FreshAsync();
        var run = await store.CreateRunAsync("plan", null, CancellationToken.None);
        foreach (var (ws, phase, cost) in new[] { ("a", "EDIT", 1.5m), ("a", "STATIC", 0.5m), ("b", "EDIT", 2m) })
        {
            var job = await store.StartJobAsync(run.Id, Spec($"{ws}:{phase}", "claude") with { WorkstreamId = ws }, Owner, CancellationToken.None);
            await store.CompleteJobAsync(new JobCompletion
            {
                JobId = job.Id, Status = JobStatus.Succeeded, Phase = phase, Costs = [new CostEntry(1, "claude", "m", 1, 0, 1, cost, false)],
            }, CancellationToken.None);
        }

        Assert.AreEqual(4m, await store.SumCostAsync(run.Id, null, null, CancellationToken.None));
        Assert.AreEqual(2m, await store.SumCostAsync(run.Id, "a", null, CancellationToken.None));
        Assert.AreEqual(0.5m, await store.SumCostAsync(run.Id, "a", "STATIC", CancellationToken.None));
        Assert.HasCount(3, await store.ListCostsAsync(run.Id, CancellationToken.None));
    }

    [TestMethod]
    public async Task Costs_ListedForOneRun_AreThatRunsAlone_InOrder_AndWithoutARun_Everyones()
    {
        await using var store = await FreshAsync();
        var first = await store.CreateRunAsync("plan", null, CancellationToken.None);
        var second = await store.CreateRunAsync("plan", null, CancellationToken.None);
        foreach (var (run, cost) in new[] { (first, 1m), (second, 2m), (first, 3m) })
        {
            var job = await store.StartJobAsync(run.Id, Spec("edit", "claude"), Owner, CancellationToken.None);
            await store.CompleteJobAsync(new JobCompletion
            {
                JobId = job.Id, Status = JobStatus.Succeeded, Costs = [new CostEntry(1, "claude", "m", 1, 0, 1, cost, false)],
            }, CancellationToken.None);
        }

        CollectionAssert.AreEqual(new decimal?[] { 1m, 3m }, (await store.ListCostsAsync(first.Id, CancellationToken.None)).Select(c => c.Entry.CostUsd).ToArray());
        CollectionAssert.AreEqual(new decimal?[] { 1m, 2m, 3m }, (await store.ListCostsAsync(null, CancellationToken.None)).Select(c => c.Entry.CostUsd).ToArray());
        Assert.IsEmpty(await store.ListCostsAsync("run-nobody", CancellationToken.None));
    }

    [TestMethod]
    public async Task TestResults_TheNewestOutcomePerCommitAndBranchIsRead()
    {
        await using var store = await FreshAsync();
        await store.RecordTestOutcomesAsync("run-1", new TestSubject("tests/T.csproj", "main", "c1"), [new TestOutcome("T.A", "passed")], CancellationToken.None);
        await store.RecordTestOutcomesAsync("run-2", new TestSubject("tests/T.csproj", "main", "c2"), [new TestOutcome("T.A", "failed")], CancellationToken.None);

        Assert.AreEqual("passed", await store.LastOutcomeOnCommitAsync("tests/T.csproj", "T.A", "c1", CancellationToken.None));
        Assert.AreEqual("failed", await store.LastOutcomeOnBranchAsync("tests/T.csproj", "T.A", "main", CancellationToken.None));
        Assert.IsNull(await store.LastOutcomeOnBranchAsync("tests/T.csproj", "T.A", "dev", CancellationToken.None));
    }

    [TestMethod]
    public async Task LegacyImport_TheSameBatchTwice_ImportsOnceThenSkipsEverything()
    {
        await using var store = await FreshAsync();
        var batch = new LegacyImportBatch("/old/pipeline_state.db", "2026-01-01T00:00:00.0000000Z");
        batch.Runs.Add(new LegacyImportBatch.RunRow("r1", "legacy-r1", "succeeded", null, "2026-01-01T00:00:00.0000000Z", null, null));
        batch.Workstreams.Add(new LegacyImportBatch.WorkstreamRow("ws-1", "legacy-r1", "ws-1", "succeeded", null, "legacy status: done", null, null));
        batch.Events.Add(new LegacyImportBatch.EventRow("e1", "legacy-r1", "ws-1", "2026-01-01T00:00:00.0000000Z", "legacy.started", "{}"));

        var first = await store.ImportLegacyAsync(batch, CancellationToken.None);
        var second = await store.ImportLegacyAsync(batch, CancellationToken.None);

        Assert.AreEqual(new MigrationCounts(1, 1, 0, 0, 1, 0), first);
        Assert.AreEqual(new MigrationCounts(0, 0, 0, 0, 0, 3), second);
        Assert.AreEqual(RunStatus.Succeeded, (await store.GetRunAsync("legacy-r1", CancellationToken.None))!.Status);
    }
}
