using Orch.Core.Diagnostics;
using Orch.Core.Storage;

namespace Orch.Core.Application;

/// <summary>What <c>job submit</c> queued (all or nothing) and every problem it found.</summary>
public sealed record SubmitResult(IReadOnlyList<OrchDiagnostic> Diagnostics, IReadOnlyList<JobRecord> Queued)
{
    /// <summary>True when nothing was queued because of an error, or because no job file was found.</summary>
    public bool Rejected => Queued.Count == 0;
}
