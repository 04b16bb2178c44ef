using Orch.Core.Diagnostics;
using Orch.Core.Execution;

namespace Orch.Core.Application;

/// <summary>What <c>job run</c> came to: the file's problems, or the run and the last job's outcome (after any escalation).</summary>
public sealed record JobRunResult(IReadOnlyList<OrchDiagnostic> Diagnostics, string? RunId, JobOutcome? Outcome);
