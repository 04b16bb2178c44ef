using Orch.Core.Workflow;

namespace Orch.Core.Application;

/// <summary>What carrying one handed-over workstream on a worker came to: its outcome, or why it could not run.</summary>
/// <param name="Outcome">The workstream's verdict, also recorded in the database.</param>
/// <param name="Error">Why it did not run to a verdict.</param>
/// <param name="Lost">True when the job went to another worker meanwhile: nothing more was recorded.</param>
public sealed record WorkstreamRunResult(WorkstreamOutcome? Outcome, OrchError? Error, bool Lost = false);
