using Orch.Core.Diagnostics;
using Orch.Core.Execution;

namespace Orch.Core.Application;

/// <summary>What a worker ran before it stopped.</summary>
public sealed record WorkResult(IReadOnlyList<OrchDiagnostic> Diagnostics, string? WorkerId, IReadOnlyList<JobOutcome> Outcomes);
