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

    /// <summary>How often an idle worker looks for jobs of dead owners. The default value is 10 seconds.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(10);
}
