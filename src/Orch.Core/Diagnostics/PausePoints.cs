namespace Orch.Core.Diagnostics;

/// <summary>
/// Named steps where the reliability suite makes Orch wait, so that a window between two threads opens every time
/// instead of by luck (<see cref="CrashPoints"/> is the same for a crash). <c>ORCH_PAUSE_AT=STEP:MS</c> sleeps MS
/// milliseconds each time STEP is reached. Unset, each step costs one field read.
/// </summary>
public static class PausePoints
{
    /// <summary>The job supervisor started a job's process and has not registered it: its exit waits to be collected.</summary>
    public const string BeforeSupervisorRegisters = "before-supervisor-registers";

    private static readonly (string Step, int Milliseconds)? Armed = Parse(Environment.GetEnvironmentVariable("ORCH_PAUSE_AT"));

    /// <summary>Waits here when <c>ORCH_PAUSE_AT</c> names <paramref name="step"/>.</summary>
    public static void Hit(string step)
    {
        if (Armed is { } armed && string.Equals(armed.Step, step, StringComparison.Ordinal))
        {
            Thread.Sleep(armed.Milliseconds);
        }
    }

    private static (string, int)? Parse(string? value) =>
        value?.Split(':') is [var step, var milliseconds] && int.TryParse(milliseconds, System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var ms) ? (step, ms) : null;
}
