using System.Text.RegularExpressions;

namespace Orch.Core.Jobs;

/// <summary>Resolves paths from job and workstream files against the repository root and refuses any that leave it.</summary>
public sealed partial class RepositoryPaths
{
    public RepositoryPaths(string root)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    public string Root { get; }

    /// <summary>Finds the repository root: the nearest folder upwards holding <c>.git</c> or <c>.orch</c>, else <paramref name="start"/>.</summary>
    public static string FindRoot(string start)
    {
        var directory = new DirectoryInfo(Path.GetFullPath(start));
        for (var current = directory; current is not null; current = current.Parent)
        {
            if (Directory.Exists(Path.Combine(current.FullName, ".git")) || File.Exists(Path.Combine(current.FullName, ".git"))
                || Directory.Exists(Path.Combine(current.FullName, ".orch")))
            {
                return current.FullName;
            }
        }

        return directory.FullName;
    }

    public static bool IsWindowsPath(string path) => WindowsPath().IsMatch(path);

    /// <summary>Resolves <paramref name="path"/> against the root; <see langword="null"/> when the result lies outside it.</summary>
    public string? Resolve(string path)
    {
        var full = Path.GetFullPath(Path.IsPathFullyQualified(path) ? path : Path.Combine(Root, path));
        return Contains(full) ? full : null;
    }

    public bool Contains(string fullPath)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(fullPath);
        return trimmed == Root || trimmed.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    public string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace('\\', '/');

    [GeneratedRegex(@"^(?:[A-Za-z]:[\\/]|\\\\)")]
    private static partial Regex WindowsPath();
}
