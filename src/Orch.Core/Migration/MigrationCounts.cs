namespace Orch.Core.Migration;

/// <summary>How many rows of each kind an import brought in, and how many it skipped as already imported.</summary>
public sealed record MigrationCounts(int Runs, int Workstreams, int StepAttempts, int Errors, int Events, int Skipped);
