namespace Orch.Abstractions.Diagnostics;

/// <summary>One normalized diagnostic from an analyzer, a compiler or a test run.</summary>
/// <param name="File">The file, relative to the repository root when it lies inside it; <see langword="null"/> when the finding has no file.</param>
/// <param name="Line">The 1-based line, or <see langword="null"/>.</param>
/// <param name="Column">The 1-based column, or <see langword="null"/>.</param>
/// <param name="Code">The tool's code (for example <c>CS0168</c> or <c>E501</c>), or <see langword="null"/>.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Tool">The tool that reported it.</param>
public sealed record Finding(string? File, int? Line, int? Column, string? Code, string Message, FindingSeverity Severity, string Tool);
