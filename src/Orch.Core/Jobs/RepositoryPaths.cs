using System.Text.RegularExpressions;

namespace Orch.Core.Jobs;

/// <summary>Resolves paths from job and workstream files against the repository root and refuses any that leave it.</summary>
public sealed partial class RepositoryPaths
{
    private readonly string _realRoot;

    public RepositoryPaths(string root)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _realRoot = Path.TrimEndingDirectorySeparator(RealPath(Root));
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

    /// <summary>
    /// Resolves <paramref name="path"/> against the root; <see langword="null"/> when the result lies outside it, by its
    /// text or through a symbolic link on the way (a committed <c>src/link -> /elsewhere</c> must not let a job write there).
    /// </summary>
    public string? Resolve(string path)
    {
        var full = Path.GetFullPath(Path.IsPathFullyQualified(path) ? path : Path.Combine(Root, path));
        return Contains(full) ? full : null;
    }

    /// <summary>True when <paramref name="fullPath"/> lies inside the root, both as written and once every link in it is followed.</summary>
    public bool Contains(string fullPath) => Under(fullPath, Root) && Under(RealPath(fullPath), _realRoot);

    private static bool Under(string path, string root)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(path);
        return trimmed == root || trimmed.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>
    /// <paramref name="fullPath"/> with every symbolic link followed, like realpath(3), except that the part that does
    /// not exist yet is kept as written. A link loop ends the walk where it is.
    /// </summary>
    public static string RealPath(string fullPath)
    {
        var separators = new[] { '/', Path.DirectorySeparatorChar };
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var result = root;
        var pending = new List<string>(fullPath[root.Length..].Split(separators, StringSplitOptions.RemoveEmptyEntries));
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending[0];
            pending.RemoveAt(0);
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                result = Path.GetDirectoryName(result) ?? result;
                continue;
            }

            var next = Path.Combine(result, part);
            string? target = null;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }

            if (target is null || ++hops > 40)
            {
                result = next;
                continue;
            }

            var resolved = Path.IsPathRooted(target) ? target : Path.Combine(result, target);
            var targetRoot = Path.GetPathRoot(resolved) ?? "/";
            pending.InsertRange(0, resolved[targetRoot.Length..].Split(separators, StringSplitOptions.RemoveEmptyEntries));
            result = targetRoot;
        }

        return result;
    }

    public string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace('\\', '/');

    [GeneratedRegex(@"^(?:[A-Za-z]:[\\/]|\\\\)")]
    private static partial Regex WindowsPath();
}
