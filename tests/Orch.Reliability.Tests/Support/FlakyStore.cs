using System.Reflection;
using Orch.Core.Storage;

namespace Orch.Reliability.Tests.Support;

/// <summary>
/// An <see cref="IStateStore"/> whose every N-th write fails before it reaches the database, as a full disk or an I/O
/// error would: the run must stop cleanly or retry, and never record work that did not happen.
/// </summary>
public class FlakyStore : DispatchProxy
{
    private static readonly string[] Writes = ["Create", "Finish", "Set", "Reopen", "Save", "Enqueue", "Start", "Claim", "Record", "Complete", "Requeue", "Append"];

    private IStateStore _inner = null!;
    private int _failEvery;
    private int _writes;

    /// <summary>How many writes were refused.</summary>
    public int Refused { get; private set; }

    public static IStateStore Wrap(IStateStore inner, int failEvery, out FlakyStore control)
    {
        var proxy = Create<IStateStore, FlakyStore>();
        control = (FlakyStore)(object)proxy;
        control._inner = inner;
        control._failEvery = failEvery;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (Writes.Any(w => targetMethod.Name.StartsWith(w, StringComparison.Ordinal)) && Interlocked.Increment(ref _writes) % _failEvery == 0)
        {
            Refused++;
            var fault = new StateDatabaseException("state.db", "state.db could not be written: disk I/O error (injected).", "Free space and resume.", null,
                StateDatabaseFault.DiskFull);
            // Async methods fail the way the real store does: through their task.
            return targetMethod.ReturnType == typeof(Task) ? Task.FromException(fault)
                : typeof(Task).IsAssignableFrom(targetMethod.ReturnType) ? typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!
                    .MakeGenericMethod(targetMethod.ReturnType.GetGenericArguments()[0]).Invoke(null, [fault])
                : throw fault;
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
