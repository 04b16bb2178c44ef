namespace Orch.Core.Bootstrap;

/// <summary>
/// The files of a repository folder that say something about it: build output, dependencies, tool caches and Orch's
/// own state are skipped, symbolic links to folders are not followed, and unreadable folders are passed over.
/// </summary>
public static class RepositoryFiles
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        ".git", ".orch", "node_modules", "bin", "obj", ".venv", "venv", "__pycache__", ".terraform", "TestResults", ".idea", ".vs", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    };

    public static IEnumerable<string> Under(string folder)
    {
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var directory))
        {
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(directory).ToList();
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                if (Directory.Exists(entry))
                {
                    if (!Skipped.Contains(Path.GetFileName(entry)) && new DirectoryInfo(entry).LinkTarget is null)
                    {
                        pending.Push(entry);
                    }
                }
                else
                {
                    yield return entry;
                }
            }
        }
    }
}
