using Orch.Core.Git;
using Orch.Core.Jobs;

namespace Orch.Core.Workflow;

/// <summary>
/// What lies behind the committed symbolic links of a worktree that lead out of it. git sees a change made through such
/// a link as no change at all, so the scope check compares these files before and after each tool instead.
/// </summary>
internal sealed class OutsideLinks
{
    // Enough for any folder a repository links to by accident; a link to a whole disk is cut here.
    private const int MaxFiles = 20_000;

    private readonly IReadOnlyList<(string Link, string Target)> _links;
    private Dictionary<string, (long Size, DateTime Written)> _before;

    private OutsideLinks(IReadOnlyList<(string, string)> links)
    {
        _links = links;
        _before = Snapshot();
    }

    /// <summary>Finds the worktree's tracked links that resolve outside it, and records what their targets hold now.</summary>
    public static async Task<OutsideLinks> ReadAsync(GitClient git, string worktree, CancellationToken cancellationToken)
    {
        var links = new List<(string, string)>();
        var listing = await git.TryRunAsync(worktree, ["ls-files", "-s"], cancellationToken);
        var paths = new RepositoryPaths(worktree);
        foreach (var line in listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (!line.StartsWith("120000 ", StringComparison.Ordinal) || tab < 0)
            {
                continue;
            }

            var link = line[(tab + 1)..];
            var full = Path.Combine(worktree, link);
            if (!paths.Contains(full))
            {
                links.Add((link, RepositoryPaths.RealPath(full)));
            }
        }

        return new OutsideLinks(links);
    }

    /// <summary>The files behind outside links that changed since the last call, each named through its link; then starts over from now.</summary>
    public IReadOnlyList<string> TakeChanges()
    {
        if (_links.Count == 0)
        {
            return [];
        }

        var now = Snapshot();
        var changed = now.Where(kv => !_before.TryGetValue(kv.Key, out var was) || was != kv.Value).Select(kv => kv.Key)
            .Concat(_before.Keys.Where(k => !now.ContainsKey(k))).Distinct().Order(StringComparer.Ordinal).ToList();
        _before = now;
        return changed;
    }

    private Dictionary<string, (long, DateTime)> Snapshot()
    {
        var files = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
        foreach (var (link, target) in _links)
        {
            if (File.Exists(target))
            {
                var info = new FileInfo(target);
                files[$"{link} -> {target}"] = (info.Length, info.LastWriteTimeUtc);
                continue;
            }

            if (!Directory.Exists(target))
            {
                continue;
            }

            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            foreach (var file in new DirectoryInfo(target).EnumerateFiles("*", options).Take(MaxFiles))
            {
                files[$"{link}/{Path.GetRelativePath(target, file.FullName).Replace('\\', '/')} -> {file.FullName}"] = (file.Length, file.LastWriteTimeUtc);
            }
        }

        return files;
    }
}
