namespace Orch.Core.Storage;

/// <summary>A process, told apart from a later one with the same id by its start time.</summary>
/// <param name="ProcessId">The operating system's process id.</param>
/// <param name="StartTicks">The start time as the operating system counts it (on Linux, clock ticks since boot); 0 when unknown.</param>
public sealed record ProcessIdentity(int ProcessId, long StartTicks);
