namespace Orch.Abstractions.State;

/// <summary>One phase (EDIT, STATIC or RUNTIME) of a workstream in a run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="WorkstreamId">The workstream.</param>
/// <param name="Name">EDIT, STATIC or RUNTIME.</param>
/// <param name="Status">running, succeeded or failed.</param>
/// <param name="Attempts">Checks run in the phase, counting the first.</param>
/// <param name="StopReason">Why the phase stopped.</param>
/// <param name="CheckpointSha">The commit that ended the phase, when it changed code.</param>
public sealed record PhaseRecord(string RunId, string WorkstreamId, string Name, string Status, int Attempts, string? StopReason, string? CheckpointSha);
