namespace Orch.Core.Application;

/// <summary>One STATIC finding as the MSBuild package prints it: an absolute file, a position, the tool's code and Orch's.</summary>
public sealed record StaticFinding(string? File, int? Line, int? Column, string? Code, string Message, string Severity, string OrchCode);
