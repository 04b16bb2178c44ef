namespace Orch.Core.Application;

/// <summary>What the STATIC check of a project found, and where its findings JSON was written.</summary>
public sealed record StaticResult(string RunId, IReadOnlyList<StaticFinding> Findings, string OutputFile);
