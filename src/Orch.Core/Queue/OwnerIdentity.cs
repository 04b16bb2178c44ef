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
        var host = Environment.MachineName;
        return new WorkerIdentity($"{prefix}{host}:{process.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}", host, process);
    }
}
