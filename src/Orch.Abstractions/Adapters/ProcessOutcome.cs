namespace Orch.Abstractions.Adapters;

/// <summary>How a process ended.</summary>
/// <param name="ExitCode">The exit code, or <see langword="null"/> when the process was killed or never started.</param>
/// <param name="TimedOut"><see langword="true"/> when the process tree was killed at its timeout.</param>
/// <param name="StandardOutput">Everything written to standard output, redacted.</param>
/// <param name="StandardError">Everything written to standard error, redacted.</param>
/// <param name="Duration">Wall-clock time from start to exit.</param>
/// <param name="StartError">Why the process could not start (for example, the executable was not found), or <see langword="null"/>.</param>
public sealed record ProcessOutcome(int? ExitCode, bool TimedOut, string StandardOutput, string StandardError, TimeSpan Duration, string? StartError = null);
