namespace Orch.Core.Storage;

/// <summary>
/// A write for a job its caller no longer holds: its lease ran out and the job was rescued, or another owner claimed it.
/// The caller must stop the job's tool and record nothing more.
/// </summary>
public sealed class JobFencedException : Exception
{
    public JobFencedException(string jobId, long fence)
        : base($"job {jobId} is no longer this owner's (its fencing token moved on from {fence}); nothing was recorded")
    {
        JobId = jobId;
    }

    public JobFencedException() => JobId = "";

    public JobFencedException(string message) : base(message) => JobId = "";

    public JobFencedException(string message, Exception innerException) : base(message, innerException) => JobId = "";

    public string JobId { get; }
}
