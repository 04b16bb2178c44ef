using Orch.Core.Testing.Dotnet;

namespace Orch.Core.Bootstrap;

/// <summary>A .NET project as MSBuild evaluates it (or as its file reads, when evaluation is not possible).</summary>
public sealed record DotnetProject(
    string Path,
    IReadOnlyList<string> TargetFrameworks,
    TestPlatform TestPlatform,
    string? TestFramework,
    IReadOnlyList<string> PackageReferences,
    int Analyzers,
    string EvaluatedBy)
{
    public bool IsTestProject => TestPlatform != TestPlatform.None;

    /// <summary>Whether a Microsoft.Testing.Platform test project has the TRX report extension.</summary>
    public bool TrxReport { get; init; }
}
