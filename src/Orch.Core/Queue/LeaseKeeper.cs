using System.Collections.Concurrent;
using Orch.Core.Storage;

namespace Orch.Core.Queue;

/// <summary>
/// Keeps the leases of a worker's running jobs: one loop renews every held job's lease each third of the lease. When the
/// store says a job is another owner's, or no renewal of it got through for a whole lease, the job's token is cancelled:
/// its tool is killed and nothing more is recorded for that run of it.
/// </summary>
/// <remarks>
/// One loop for the worker, not a timer per job: a job's start and end only add it to a table and take it out, so a
/// short job never waits for another thread to see its heartbeat stop.
/// </remarks>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly Func<JobRecord, CancellationToken, Task<bool>> _renew;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lease;
    private readonly Action<string>? _leaseLost;
    private readonly ConcurrentDictionary<Hold, byte> _held = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="renew">Renews one job's lease; false when the job is no longer this owner's under its fence.</param>
    /// <param name="time">The clock.</param>
    /// <param name="lease">How long a claim holds without a renewal.</param>
    /// <param name="leaseLost">Told the id of each job whose lease was lost.</param>
    public LeaseKeeper(Func<JobRecord, CancellationToken, Task<bool>> renew, TimeProvider time, TimeSpan lease, Action<string>? leaseLost)
    {
        _renew = renew;
        _time = time;
        _lease = lease;
        _leaseLost = leaseLost;
        // On the pool, whatever context started the worker: renewals never wait for a slot's thread.
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Keeps <paramref name="job"/>'s lease until the returned hold is disposed; a lost lease cancels
    /// <paramref name="lost"/>, and never after the hold is disposed.
    /// </summary>
    public IDisposable Keep(JobRecord job, CancellationTokenSource lost)
    {
        var hold = new Hold(this, job, lost, _time.GetTimestamp());
        _held.TryAdd(hold, 0);
        return hold;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var every = _lease / 3;
        while (!_stop.IsCancellationRequested)
        {
            await Task.Delay(every, _time, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var hold in _held.Keys)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                await RenewAsync(hold);
            }
        }
    }

    private async Task RenewAsync(Hold hold)
    {
        try
        {
            if (await _renew(hold.Job, _stop.Token))
            {
                hold.Renewed = _time.GetTimestamp();
                return;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (StateDatabaseException) when (_time.GetElapsedTime(hold.Renewed) < _lease)
        {
            // Out of reach for now: the lease still holds, so try again at the next beat.
            return;
        }
        catch (StateDatabaseException)
        {
        }

        hold.Lose();
    }

    private sealed class Hold(LeaseKeeper keeper, JobRecord job, CancellationTokenSource lost, long renewed) : IDisposable
    {
        private readonly Lock _gate = new();
        private bool _ended;

        public JobRecord Job { get; } = job;

        public long Renewed { get; set; } = renewed;

        public void Lose()
        {
            // Under the lock: a job that has just ended must not be told, nor its disposed token cancelled.
            lock (_gate)
            {
                if (_ended)
                {
                    return;
                }

                _ended = true;
                keeper._held.TryRemove(this, out _);
                keeper._leaseLost?.Invoke(Job.Id);
#pragma warning disable CA1849 // The callbacks only signal the slot: kill the tool, wake its poll.
                lost.Cancel();
#pragma warning restore CA1849
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _ended = true;
            }

            keeper._held.TryRemove(this, out _);
        }
    }
}
