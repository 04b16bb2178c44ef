using System.Text;

namespace Orch.Core.Git;

/// <summary>
/// What Orch's own git commands in a worktree leave out, on top of the repository's ignore rules: build and test
/// outputs (<c>bin/</c>, <c>obj/</c>, <c>__pycache__/</c>, <c>node_modules/</c>, <c>TestResults/</c>…) and what hooks and
/// <c>worktree.copy</c> put there. Such files are never checkpointed, never a scope violation, and survive a reset.
/// The rules live in a file outside the worktree, given to git as <c>core.excludesFile</c>, so the user's repository
/// and configuration are never changed; the user's own global excludes are copied in first.
/// </summary>
public static class WorktreeExcludes
{
    /// <summary>Folders that tools make and nobody commits. A folder of these names that holds tracked files stays visible.</summary>
    public static IReadOnlyList<string> OutputFolders { get; } =
        ["bin", "obj", "__pycache__", "node_modules", "TestResults", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".venv", ".gradle", "coverage"];

    /// <summary>Writes a worktree's exclude file from <paramref name="rules"/> (see <see cref="RulesAsync"/>).</summary>
    public static async Task WriteAsync(string file, string rules, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, rules, cancellationToken);
    }

    /// <summary>
    /// The rules every worktree of a repository starts with: the user's global excludes, the output folders, and
    /// re-includes for output-named folders the repository tracks. A run reads them once.
    /// </summary>
    public static async Task<string> RulesAsync(string repository, GitClient git, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        if (await GlobalExcludesAsync(repository, git, cancellationToken) is { } global && File.Exists(global))
        {
            text.AppendLine("# The user's global excludes").Append(await File.ReadAllTextAsync(global, cancellationToken)).AppendLine();
        }

        text.AppendLine("# Build and test outputs (Orch)");
        foreach (var folder in OutputFolders)
        {
            text.Append(folder).AppendLine("/");
        }

        text.AppendLine("*.pyc");
        foreach (var tracked in await TrackedOutputFoldersAsync(repository, git, cancellationToken))
        {
            text.Append("!/").Append(tracked).AppendLine("/");
        }

        return text.ToString();
    }

    /// <summary>Adds paths (relative to the worktree) that a hook or a copy made, so they belong to the environment, not to the change.</summary>
    public static async Task AddAsync(string file, IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var lines = paths.Select(p => "/" + Escape(p.Replace('\\', '/').TrimEnd('/'))).ToList();
        if (lines.Count > 0)
        {
            await File.AppendAllLinesAsync(file, ["# Made by a hook or copied in (Orch)", .. lines], cancellationToken);
        }
    }

    private static async Task<string?> GlobalExcludesAsync(string repository, GitClient git, CancellationToken cancellationToken)
    {
        var configured = await git.TryRunAsync(repository, ["config", "--path", "--get", "core.excludesFile"], cancellationToken);
        if (configured.ExitCode == 0 && configured.StandardOutput.Trim() is { Length: > 0 } path)
        {
            return path;
        }

        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "git", "ignore");
    }

    private static async Task<IReadOnlyList<string>> TrackedOutputFoldersAsync(string repository, GitClient git, CancellationToken cancellationToken)
    {
        var listed = await git.TryRunAsync(repository, ["ls-files", "-z"], cancellationToken);
        var names = OutputFolders.ToHashSet(StringComparer.Ordinal);
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in listed.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = file.Split('/');
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (names.Contains(parts[i]))
                {
                    folders.Add(Escape(string.Join('/', parts.Take(i + 1))));
                }
            }
        }

        return [.. folders];
    }

    // Ignore patterns treat these as wildcards or comments; a path must match only itself.
    private static string Escape(string path) =>
        string.Concat(path.Select(c => c is '*' or '?' or '[' or '\\' or '!' or '#' ? "\\" + c : c.ToString()));
}
