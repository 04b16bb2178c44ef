namespace Orch.Abstractions.Adapters;

/// <summary>Whether a tool is installed, where, and which version.</summary>
/// <param name="IsAvailable"><see langword="true"/> when the tool can be run.</param>
/// <param name="Version">The version the tool reports, or <see langword="null"/> when unknown.</param>
/// <param name="Path">The resolved executable, or <see langword="null"/> when it was not found.</param>
/// <param name="InstallHint">What to do to install the tool; set when <paramref name="IsAvailable"/> is <see langword="false"/>.</param>
public sealed record ToolAvailability(bool IsAvailable, string? Version, string? Path, string? InstallHint);
