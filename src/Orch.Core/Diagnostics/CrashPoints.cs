using System.Diagnostics;

namespace Orch.Core.Diagnostics;

/// <summary>
/// Named steps where the reliability suite makes Orch die as a SIGKILL would, so that each window between a change
/// outside the database (a branch, a worktree, a process, a commit, a merge) and its record is tested every time, not by
/// luck. <c>ORCH_CRASH_AT=STEP</c> kills the process the first time it reaches STEP; <c>STEP@N</c> the N-th time.
/// Unset, each step costs one field read.
/// </summary>
public static class CrashPoints
{
    /// <summary>git made the workstream's branch and worktree; the database does not know them yet.</summary>
    public const string AfterWorktreeAdd = "after-worktree-add";

    /// <summary>The job's start is committed; its process has not started.</summary>
    public const string AfterJobStart = "after-job-start";

    /// <summary>The job's process has exited; its result is not committed.</summary>
    public const string AfterProcessExit = "after-process-exit";

    /// <summary>A phase's checkpoint commit is made; the phase is not recorded as done.</summary>
    public const string AfterCheckpoint = "after-checkpoint";

    /// <summary>git merged the workstream into the target branch; the merge is not recorded.</summary>
    public const string AfterMerge = "after-merge";

    /// <summary>A merge stopped on a conflict, before Orch aborted it: the main tree is mid-merge.</summary>
    public const string DuringMergeConflict = "during-merge-conflict";

    /// <summary>A worker's claim of a queued job is committed; its process has not started.</summary>
    public const string AfterClaim = "after-claim";

    /// <summary>A rescue changed the rows of expired leases; its transaction has not committed.</summary>
    public const string DuringRescue = "during-rescue";

    /// <summary>Every step, for documentation and tests.</summary>
    public static IReadOnlyList<string> All { get; } =
        [AfterWorktreeAdd, AfterJobStart, AfterProcessExit, AfterCheckpoint, AfterMerge, DuringMergeConflict, AfterClaim, DuringRescue];

    private static readonly (string Step, int Count)? Armed = Parse(Environment.GetEnvironmentVariable("ORCH_CRASH_AT"));
    private static int _hits;

    /// <summary>Dies here when <c>ORCH_CRASH_AT</c> names <paramref name="step"/>.</summary>
    public static void Hit(string step)
    {
        if (Armed is not { } armed || !string.Equals(armed.Step, step, StringComparison.Ordinal) || Interlocked.Increment(ref _hits) != armed.Count)
        {
            return;
        }

        // Straight to file descriptor 2: the engine has no console of its own.
        using (var stderr = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(2, ownsHandle: false), FileAccess.Write))
        {
            stderr.Write(System.Text.Encoding.UTF8.GetBytes($"ORCH_CRASH_AT: killing this process at {step}\n"));
        }

        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (value.Trim(), 1)
            : (value[..at].Trim(), int.TryParse(value[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1);
    }
}
