namespace Orch.Core.Bootstrap;

/// <summary>A .NET project as MSBuild evaluates it (or as its file reads, when evaluation is not possible).</summary>
public sealed record DotnetProject(
    string Path,
    IReadOnlyList<string> TargetFrameworks,
    bool IsTestProject,
    string? TestFramework,
    IReadOnlyList<string> PackageReferences,
    int Analyzers,
    string EvaluatedBy);
