namespace Orch.Adapters.Process;

/// <summary>Finds an executable the way a shell does, so a missing tool is reported before any process starts.</summary>
public static class ExecutableLocator
{
    // Where each name was found on each PATH, as a shell's command hash keeps it: a worker that runs the same tool for
    // every job looks in one place instead of each directory before it. A hit is checked again before it is used.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Name, string Path), string> Found = new();

    /// <summary>Returns the full path of <paramref name="name"/>, or <see langword="null"/> when it cannot be run.</summary>
    public static string? Find(string name, string workingDirectory, string? pathVariable = null)
    {
        if (name.Length == 0)
        {
            return null;
        }

        if (name.Contains('/', StringComparison.Ordinal) || (OperatingSystem.IsWindows() && name.Contains('\\', StringComparison.Ordinal)))
        {
            var full = Path.GetFullPath(Path.Combine(workingDirectory, name));
            return IsExecutable(full) ? full : null;
        }

        var path = pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "";
        if (Found.TryGetValue((name, path), out var known) && IsExecutable(known))
        {
            return known;
        }

        var extensions = OperatingSystem.IsWindows() ? new[] { "", ".exe", ".cmd", ".bat" } : [""];
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, name + extension);
                if (IsExecutable(candidate))
                {
                    Found[(name, path)] = candidate;
                    return candidate;
                }
            }
        }

        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
