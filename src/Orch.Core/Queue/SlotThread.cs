using Orch.Core.Execution;

namespace Orch.Core.Queue;

/// <summary>
/// Runs one worker slot on a thread of its own, with every continuation of its work brought back to that thread: the
/// slot's job is started by the worker's supervisor and waited for on this thread (<see cref="SupervisorChannel"/>), so a
/// job's end, its result and the next job's start follow one another on one thread instead of waking others.
/// </summary>
internal sealed class SlotThread : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private bool _done;

    private SlotThread()
    {
    }

    /// <summary>Runs <paramref name="work"/> on a new thread named <paramref name="name"/> with <paramref name="channel"/> as its way to the supervisor; disposes the channel at the end.</summary>
    public static Task Run(string name, SupervisorChannel channel, Func<Task> work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            var context = new SlotThread();
            SetSynchronizationContext(context);
            SupervisorChannel.Current = channel;
            Task task;
            try
            {
                task = work();
                task.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                context.RunUntilComplete();
            }
            catch (Exception ex)
            {
                task = Task.FromException(ex);
            }
            finally
            {
                SupervisorChannel.Current = null;
                SetSynchronizationContext(null);
                channel.Dispose();
            }

            if (task.IsFaulted)
            {
                done.SetException(task.Exception!.InnerExceptions);
            }
            else if (task.IsCanceled)
            {
                done.SetCanceled();
            }
            else
            {
                done.SetResult();
            }
        }) { IsBackground = true, Name = name }.Start();
        return done.Task;
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_queue)
        {
            if (!_done)
            {
                _queue.Enqueue((d, state));
                Monitor.Pulse(_queue);
                return;
            }
        }

        // The slot has ended: whatever still comes back runs on the pool.
        ThreadPool.UnsafeQueueUserWorkItem(static item => item.Callback(item.State), (Callback: d, State: state), preferLocal: false);
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("A slot's thread takes work by Post alone.");

    public override SynchronizationContext CreateCopy() => this;

    private void Complete()
    {
        lock (_queue)
        {
            _done = true;
            Monitor.Pulse(_queue);
        }
    }

    private void RunUntilComplete()
    {
        while (true)
        {
            (SendOrPostCallback Callback, object? State) item;
            lock (_queue)
            {
                while (_queue.Count == 0 && !_done)
                {
                    Monitor.Wait(_queue);
                }

                if (_queue.Count == 0)
                {
                    return;
                }

                item = _queue.Dequeue();
            }

            item.Callback(item.State);
        }
    }
}
