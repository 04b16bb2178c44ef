using Orch.Core.Diagnostics;
using Orch.Core.Workflow;

namespace Orch.Core.Application;

/// <summary>What running or resuming a plan came to: the problems found before anything ran, or the run's summary.</summary>
public sealed record PlanRunResult(IReadOnlyList<OrchDiagnostic> Diagnostics, RunSummary? Summary, OrchError? Error = null);
