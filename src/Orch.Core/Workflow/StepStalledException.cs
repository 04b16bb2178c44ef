namespace Orch.Core.Workflow;

/// <summary>A check of a workstream stalled; the phase stops with <see cref="StopReason.Stalled"/> instead of sending it to FIX.</summary>
internal sealed class StepStalledException(string message) : Exception(message);
