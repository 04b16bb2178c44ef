namespace Orch.Abstractions.Adapters;

/// <summary>Starts a process on behalf of an adapter. Orch's job executor is the only implementation.</summary>
public interface IProcessLauncher
{
    /// <summary>Runs <paramref name="request"/> to completion, a timeout or cancellation.</summary>
    /// <param name="request">The argv, directory and environment.</param>
    /// <param name="cancellationToken">Cancels the run and kills the whole process tree.</param>
    /// <returns>How the process ended and what it printed.</returns>
    ValueTask<ProcessOutcome> RunAsync(ProcessRequest request, CancellationToken cancellationToken);
}
