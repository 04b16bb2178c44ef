using System.Diagnostics;

namespace Orch.Core.Execution;

/// <summary>
/// A started child process: its pipes, its exit, and a kill that takes its whole tree. On Linux it is started with
/// <c>posix_spawn</c> as the leader of a new session with default signal dispositions (<see cref="SpawnedChild"/>):
/// one exec per job instead of three (<c>setsid</c>, <c>env --default-signal</c>, the job) and none of the locking
/// of <see cref="Process.Start()"/>. Elsewhere, or where the C library lacks what that needs, it is a
/// <see cref="Process"/> behind the same <c>setsid</c>/<c>env</c> prefix as before (<see cref="ManagedChild"/>).
/// </summary>
internal abstract class ChildProcess : IDisposable
{
    public abstract int Id { get; }

    public abstract Stream StandardInput { get; }

    public abstract StreamReader StandardOutput { get; }

    public abstract StreamReader StandardError { get; }

    /// <summary>The child's start time in clock ticks since boot (<see cref="ProcessInfo.StartTicks"/>), when whoever started it read it already.</summary>
    public long? StartTicks { get; init; }

    /// <summary>True when the job's exit ledger holds the child's start (<see cref="ExitLedger"/>), so no one else need record it.</summary>
    public bool StartInLedger { get; init; }

    /// <summary>True when the child leads its own process group, so <see cref="ProcessInfo.KillGroup"/> reaches all it started.</summary>
    public abstract bool LeadsGroup { get; }

    /// <summary>The exit code, or 128 + the signal that ended it.</summary>
    public abstract Task<int> WaitForExitAsync(CancellationToken cancellationToken);

    /// <summary>Kills the child and everything it started.</summary>
    public void KillTree()
    {
        if (LeadsGroup && ProcessInfo.KillGroup(Id))
        {
            return;
        }

        KillSelf();
    }

    protected abstract void KillSelf();

    public abstract void Dispose();

    /// <summary>Starts <paramref name="argv"/> (its first element an absolute path) with these variables added to Orch's own.</summary>
    /// <exception cref="ChildStartException">The process could not be started.</exception>
    public static ChildProcess Start(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        if (SpawnedChild.IsSupported && SpawnedChild.TryStart(argv, workingDirectory, EnvironmentEntries(environment)) is { } spawned)
        {
            return spawned;
        }

        return ManagedChild.Start(argv, workingDirectory, environment);
    }

    /// <summary>Orch's own environment with <paramref name="environment"/> added, as <c>NAME=VALUE</c> entries.</summary>
    public static string[] EnvironmentEntries(IReadOnlyDictionary<string, string> environment) => Entries(CurrentEnvironment(), environment);

    /// <summary>Orch's own environment as it is now, by name.</summary>
    public static Dictionary<string, string> CurrentEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            variables[(string)variable.Key] = (string?)variable.Value ?? "";
        }

        return variables;
    }

    /// <summary><paramref name="variables"/>, with <paramref name="over"/> set over them, as <c>NAME=VALUE</c> entries.</summary>
    public static string[] Entries(IReadOnlyDictionary<string, string> variables, IEnumerable<KeyValuePair<string, string>>? over = null)
    {
        if (over is null)
        {
            return [.. variables.Select(kv => $"{kv.Key}={kv.Value}")];
        }

        var merged = new Dictionary<string, string>(variables, StringComparer.Ordinal);
        foreach (var (name, value) in over)
        {
            merged[name] = value;
        }

        return [.. merged.Select(kv => $"{kv.Key}={kv.Value}")];
    }
}

/// <summary>A child process that could not be started, with the system's reason.</summary>
internal sealed class ChildStartException(string message) : Exception(message);
