namespace Orch.Core.Application;

/// <summary>What the STATIC check of a project found, and where its findings JSON was written.</summary>
public sealed record StaticResult(string RunId, IReadOnlyList<StaticFinding> Findings, string OutputFile)
{
    /// <summary>The sources checked when only they changed since the last check; <see langword="null"/> when the whole project was.</summary>
    public IReadOnlyList<string>? Checked { get; init; }
}
