using Orch.Core.Migration;

namespace Orch.Core.Application;

/// <summary>What a legacy import brought in, or why the source was refused.</summary>
public sealed record MigrateResult(string Source, MigrationCounts? Counts, OrchError? Error = null);
