using Microsoft.Extensions.Time.Testing;
using Orch.Core.Jobs;
using Orch.Core.Queue;
using Orch.Core.Storage;

namespace Orch.Core.Tests.Queue;

[TestClass]
public sealed class LeaseKeeperTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static JobRecord Job(string id) => new()
    {
        Id = id,
        Spec = new JobSpec { Name = id, Tool = "process", Command = ["true"], RepositoryRoot = "/r", WorkingDirectory = "/r" },
        Status = JobStatus.Running,
        QueuedAt = DateTimeOffset.UnixEpoch,
        Fence = 7,
    };

    // The keeper's loop runs on the pool: move the fake clock a step at a time until it has done what the test waits for.
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, TimeSpan step)
    {
        for (var tries = 0; tries < 1000 && !done(); tries++)
        {
            time.Advance(step);
            await Task.Delay(5);
        }

        Assert.IsTrue(done(), "the keeper did not get there");
    }

    [TestMethod]
    public async Task Keep_WhileHeld_RenewsNoMoreOftenThanEachThirdOfTheLease_AndStopsWhenTheJobEnds()
    {
        var time = new FakeTimeProvider();
        var renewals = new List<(string Id, long Fence, DateTimeOffset At)>();
        await using var keeper = new LeaseKeeper((job, _) =>
        {
            lock (renewals)
            {
                renewals.Add((job.Id, job.Fence, time.GetUtcNow()));
            }

            return Task.FromResult(true);
        }, time, Lease, null);
        using var lost = new CancellationTokenSource();

        var hold = keeper.Keep(Job("j1"), lost);
        await AdvanceUntilAsync(time, () => { lock (renewals) { return renewals.Count >= 3; } }, Lease / 6);
        hold.Dispose();
        int afterEnd;
        lock (renewals)
        {
            afterEnd = renewals.Count;
        }

        for (var i = 0; i < 12; i++)
        {
            time.Advance(Lease / 3);
            await Task.Delay(5);
        }

        lock (renewals)
        {
            Assert.AreEqual(afterEnd, renewals.Count, "no renewal after the job ended");
            Assert.IsTrue(renewals.All(r => r is { Id: "j1", Fence: 7 }));
            for (var i = 1; i < renewals.Count; i++)
            {
                Assert.IsTrue(renewals[i].At - renewals[i - 1].At >= Lease / 3, $"renewed again after {renewals[i].At - renewals[i - 1].At}");
            }
        }

        Assert.IsFalse(lost.IsCancellationRequested);
    }

    [TestMethod]
    public async Task Renewal_RefusedByTheStore_CancelsTheJob_AndTellsTheWorkerOnce()
    {
        var time = new FakeTimeProvider();
        var told = new List<string>();
        var calls = 0;
        await using var keeper = new LeaseKeeper((job, _) => Task.FromResult(Interlocked.Increment(ref calls) == 0), time, Lease, id =>
        {
            lock (told)
            {
                told.Add(id);
            }
        });
        using var lost = new CancellationTokenSource();

        using var hold = keeper.Keep(Job("taken"), lost);
        await AdvanceUntilAsync(time, () => lost.IsCancellationRequested, Lease / 6);
        for (var i = 0; i < 6; i++)
        {
            time.Advance(Lease / 3);
            await Task.Delay(5);
        }

        lock (told)
        {
            CollectionAssert.AreEqual(new[] { "taken" }, told);
        }

        Assert.AreEqual(1, Volatile.Read(ref calls), "a lost job is not renewed again");
    }

    [TestMethod]
    public async Task Renewal_WhileTheDatabaseIsOutOfReach_KeepsTheJobUntilAWholeLeasePassedWithoutOne()
    {
        var time = new FakeTimeProvider();
        var lostAt = DateTimeOffset.MinValue;
        var failures = 0;
        await using var keeper = new LeaseKeeper((_, _) =>
        {
            Interlocked.Increment(ref failures);
            throw new StateDatabaseException("db", "the server is out of reach", "wait", fault: StateDatabaseFault.Unavailable);
        }, time, Lease, _ => lostAt = time.GetUtcNow());
        using var lost = new CancellationTokenSource();
        var start = time.GetUtcNow();

        using var hold = keeper.Keep(Job("j"), lost);
        await AdvanceUntilAsync(time, () => lost.IsCancellationRequested, Lease / 6);

        Assert.IsTrue(Volatile.Read(ref failures) >= 3, "it tried again at each beat");
        Assert.IsTrue(lostAt - start >= Lease, $"given up after {lostAt - start}, before a whole lease");
        Assert.IsTrue(lostAt - start <= Lease + Lease / 3 + Lease / 6, $"given up only after {lostAt - start}");
    }

    [TestMethod]
    public async Task Renewal_RefusedForAJobThatEndedMeanwhile_CancelsNothing_AndTellsNoOne()
    {
        var time = new FakeTimeProvider();
        var told = 0;
        IDisposable? hold = null;
        var renewing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var keeper = new LeaseKeeper((_, _) =>
        {
            // The job ends while its renewal is on its way; the store then finds it is no longer running.
            hold!.Dispose();
            renewing.TrySetResult();
            return Task.FromResult(false);
        }, time, Lease, _ => Interlocked.Increment(ref told));
        var lost = new CancellationTokenSource();

        hold = keeper.Keep(Job("done"), lost);
        await AdvanceUntilAsync(time, () => renewing.Task.IsCompleted, Lease / 6);
        await Task.Delay(50);

        Assert.IsFalse(lost.IsCancellationRequested);
        Assert.AreEqual(0, Volatile.Read(ref told));
        lost.Dispose();
    }
}
