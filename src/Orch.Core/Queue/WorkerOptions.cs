namespace Orch.Core.Queue;

/// <summary>How a worker takes jobs from the queue.</summary>
public sealed record WorkerOptions
{
    /// <summary>Jobs run at once. The default value is 1.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Exit once the queue is empty instead of waiting for more. The default value is <see langword="false"/>.</summary>
    public bool Drain { get; init; }

    /// <summary>How often an idle worker looks for new jobs. The default value is 500 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often an idle worker looks for jobs of dead owners and for leases that ran out. The default value is 10 seconds.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a claim holds without a heartbeat. The worker renews it every third of that while the job runs, so it
    /// never limits how long a job may take; a worker that cannot renew kills the job's tool and gives the job up, and
    /// another worker takes it once the lease has run out. The default value is 30 seconds.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How this host starts Orch, for the workstreams distributed runs hand to workers (<c>run-workstream</c> is added).
    /// The default value is <c>[dotnet-orch]</c>, the global tool's command.
    /// </summary>
    public IReadOnlyList<string> OrchCommand { get; init; } = ["dotnet-orch"];
}
