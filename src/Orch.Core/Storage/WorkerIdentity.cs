namespace Orch.Core.Storage;

/// <summary>The process that owns a running job.</summary>
/// <param name="Id">A unique id for this owner.</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="Process">Its process id and start time, which together tell a live owner from a reused pid.</param>
public sealed record WorkerIdentity(string Id, string Host, ProcessIdentity Process);
