namespace Orch.Core.Planning;

/// <summary>One workstream, normalized from the v1 format or a legacy bundle.</summary>
public sealed record WorkstreamSpec
{
    public required string Id { get; init; }

    public string? Title { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Files and folders (ending in <c>/</c>) or globs the workstream may change.</summary>
    public IReadOnlyList<string> FilesScope { get; init; } = [];

    /// <summary>Files the workstream may create; they count as scope too.</summary>
    public IReadOnlyList<string> FilesCreate { get; init; } = [];

    /// <summary>
    /// Findings inside the scope that the base commit already has count too and go to FIX: for a workstream whose task
    /// is to fix them. The default value is <see langword="false"/>: baseline findings are left alone.
    /// </summary>
    public bool FixBaseline { get; init; }

    public EditSpec Edit { get; init; } = new();

    /// <summary>STATIC commands; <see langword="null"/> means the profile's.</summary>
    public IReadOnlyList<PhaseCommand>? Static { get; init; }

    /// <summary>RUNTIME commands; <see langword="null"/> means the profile's.</summary>
    public IReadOnlyList<PhaseCommand>? Runtime { get; init; }

    public LoopSettings Loop { get; init; } = new();

    public decimal? BudgetUsd { get; init; }

    /// <summary>Per-phase budgets (EDIT, STATIC, RUNTIME) in dollars.</summary>
    public IReadOnlyDictionary<string, decimal> PhaseBudgetUsd { get; init; } = new Dictionary<string, decimal>();

    public string? SourceFile { get; init; }

    public int? SourceLine { get; init; }

    /// <summary>Where each <c>depends_on</c> entry stands in the source, so messages about it point there.</summary>
    public IReadOnlyDictionary<string, (int Line, int Column)> DependencyPositions { get; init; } = new Dictionary<string, (int Line, int Column)>();

    /// <summary>Everything the workstream may touch: <see cref="FilesScope"/> and <see cref="FilesCreate"/>.</summary>
    public IEnumerable<string> AllScope => FilesScope.Concat(FilesCreate);
}
