using System.Security.Cryptography;
using Orch.Core.Execution;
using Orch.Core.Storage;

namespace Orch.Core.Queue;

/// <summary>Makes the identity this process claims jobs under. Worker-owned jobs are requeued when the worker dies.</summary>
public static class OwnerIdentity
{
    public const string WorkerPrefix = "worker:";
    public const string DirectPrefix = "direct:";

    public static WorkerIdentity Worker() => Create(WorkerPrefix);

    /// <summary>For <c>job run</c>: its jobs are not requeued when it dies, because the job was never queued.</summary>
    public static WorkerIdentity Direct() => Create(DirectPrefix);

    private static WorkerIdentity Create(string prefix)
    {
        var process = ProcessInfo.Current();
        // ORCH_HOST names the host where several workers share one machine name (containers, or the tests' stand-in hosts):
        // a worker only judges by process id the owners on its own host, and leaves the others to their leases.
        var host = Environment.GetEnvironmentVariable("ORCH_HOST") is { Length: > 0 } named ? named : Environment.MachineName;
        return new WorkerIdentity($"{prefix}{host}:{process.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}", host, process);
    }
}
