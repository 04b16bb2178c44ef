using Orch.Abstractions.Adapters;
using Orch.Core.Execution;
using Orch.Core.Secrets;

namespace Orch.Core.Git;

/// <summary>The git operations workstreams need, run through Orch's process runner with prompts switched off.</summary>
public sealed class GitClient : IDisposable
{
    // git does not guard concurrent `worktree add` in one repository: one reads the other's half-written entry.
    private readonly SemaphoreSlim _worktreeGate = new(1, 1);
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_EDITOR"] = "true",
        ["GIT_AUTHOR_NAME"] = "Orch",
        ["GIT_AUTHOR_EMAIL"] = "orch@localhost",
        ["GIT_COMMITTER_NAME"] = "Orch",
        ["GIT_COMMITTER_EMAIL"] = "orch@localhost",
    };

    private readonly ProcessRunner _runner;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _excludes = new(StringComparer.Ordinal);

    public GitClient(TimeProvider time)
    {
        _runner = new ProcessRunner(null, SecretRedactor.None, time);
    }

    /// <summary>From now on, Orch's git commands in <paramref name="worktree"/> read <paramref name="excludesFile"/> (see <see cref="WorktreeExcludes"/>).</summary>
    public void UseExcludes(string worktree, string excludesFile) => _excludes[Path.GetFullPath(worktree)] = excludesFile;

    /// <summary>
    /// Runs git. A cancellation is honoured before git starts and after it ends, never by killing it: a git killed
    /// mid-command leaves <c>index.lock</c> behind, and then every later git command in that tree fails.
    /// </summary>
    public async Task<ProcessOutcome> TryRunAsync(string directory, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = await _runner.RunAsync(new ProcessRequest
        {
            Argv = _excludes.TryGetValue(Path.GetFullPath(directory), out var excludes) ? ["git", "-c", $"core.excludesFile={excludes}", .. args] : ["git", .. args],
            WorkingDirectory = directory,
            Environment = Environment,
            Timeout = TimeSpan.FromMinutes(5),
        }, CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
        return outcome;
    }

    public async Task<string> RunAsync(string directory, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var list = args.ToList();
        var outcome = await TryRunAsync(directory, list, cancellationToken);
        if (outcome.ExitCode != 0)
        {
            var reason = outcome.StartError ?? (outcome.StandardError + outcome.StandardOutput).Trim();
            throw new GitException($"git {string.Join(' ', list)} failed in {directory}: {reason}");
        }

        return outcome.StandardOutput.Trim();
    }

    public async Task<string?> TopLevelAsync(string directory, CancellationToken cancellationToken)
    {
        var outcome = await TryRunAsync(directory, ["rev-parse", "--show-toplevel"], cancellationToken);
        return outcome.ExitCode == 0 ? outcome.StandardOutput.Trim() : null;
    }

    public Task<string> HeadAsync(string directory, CancellationToken cancellationToken) =>
        RunAsync(directory, ["rev-parse", "HEAD"], cancellationToken);

    /// <summary>True when no tracked file has changes; untracked files do not block a merge that does not touch them.</summary>
    public async Task<bool> HasNoTrackedChangesAsync(string directory, CancellationToken cancellationToken) =>
        (await RunAsync(directory, ["status", "--porcelain", "--untracked-files=no"], cancellationToken)).Length == 0;

    /// <summary>
    /// Adds a worktree at <paramref name="path"/> on a new <paramref name="branch"/> made at <paramref name="baseSha"/>; with
    /// no branch, on the existing branch <paramref name="checkout"/>, else detached at <paramref name="baseSha"/>.
    /// </summary>
    public async Task AddWorktreeAsync(string repository, string path, string? branch, string baseSha, CancellationToken cancellationToken, string? checkout = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await _worktreeGate.WaitAsync(cancellationToken);
        try
        {
            await RunAsync(repository, branch is not null ? ["worktree", "add", "-q", "-b", branch, path, baseSha]
                : checkout is not null ? ["worktree", "add", "-q", path, checkout]
                : ["worktree", "add", "-q", "--detach", path, baseSha], cancellationToken);
        }
        finally
        {
            _worktreeGate.Release();
        }
    }

    public async Task RemoveWorktreeAsync(string repository, string path, CancellationToken cancellationToken)
    {
        await _worktreeGate.WaitAsync(cancellationToken);
        try
        {
            if (Directory.Exists(path))
            {
                await RunAsync(repository, ["worktree", "remove", "--force", path], cancellationToken);
            }

            await TryRunAsync(repository, ["worktree", "prune"], cancellationToken);
        }
        finally
        {
            _worktreeGate.Release();
        }
    }

    public void Dispose() => _worktreeGate.Dispose();

    public async Task<bool> BranchExistsAsync(string repository, string branch, CancellationToken cancellationToken) =>
        (await TryRunAsync(repository, ["rev-parse", "--verify", "--quiet", $"refs/heads/{branch}"], cancellationToken)).ExitCode == 0;

    /// <summary>
    /// The repository's default branch: what <c>origin/HEAD</c> points at, else <c>main</c> or <c>master</c> when one
    /// exists; <see langword="null"/> when none does.
    /// </summary>
    public async Task<string?> DefaultBranchAsync(string repository, CancellationToken cancellationToken)
    {
        var origin = await TryRunAsync(repository, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], cancellationToken);
        if (origin.ExitCode == 0 && origin.StandardOutput.Trim() is { Length: > 0 } remote)
        {
            return remote.StartsWith("origin/", StringComparison.Ordinal) ? remote["origin/".Length..] : remote;
        }

        foreach (var candidate in new[] { "main", "master" })
        {
            if (await BranchExistsAsync(repository, candidate, cancellationToken))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>True when every commit of <paramref name="branch"/> is reachable from HEAD.</summary>
    public async Task<bool> IsMergedAsync(string repository, string branch, CancellationToken cancellationToken) =>
        (await TryRunAsync(repository, ["merge-base", "--is-ancestor", branch, "HEAD"], cancellationToken)).ExitCode == 0;

    public Task DeleteBranchAsync(string repository, string branch, bool force, CancellationToken cancellationToken) =>
        RunAsync(repository, ["branch", force ? "-D" : "-d", branch], cancellationToken);

    /// <summary>
    /// Commits the worktree's changes, or only <paramref name="paths"/> when given (in place, the user's own changes
    /// stay out); returns the new commit, or <see langword="null"/> when nothing changed.
    /// </summary>
    public async Task<string?> CheckpointAsync(string worktree, string message, CancellationToken cancellationToken, IReadOnlyCollection<string>? paths = null)
    {
        if (paths is { Count: 0 })
        {
            return null;
        }

        await RunAsync(worktree, paths is null ? ["add", "-A"] : ["add", "-A", "--", .. paths], cancellationToken);
        var staged = await TryRunAsync(worktree, ["diff", "--cached", "--quiet"], cancellationToken);
        if (staged.ExitCode == 0)
        {
            return null;
        }

        await RunAsync(worktree, ["commit", "-q", "--no-verify", "-m", message], cancellationToken);
        return await HeadAsync(worktree, cancellationToken);
    }

    /// <summary>Files changed since <paramref name="sinceSha"/>: committed since, staged, unstaged and untracked (not ignored).</summary>
    public async Task<IReadOnlyList<string>> ChangedFilesAsync(string worktree, string sinceSha, CancellationToken cancellationToken)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var committed = await RunAsync(worktree, ["diff", "--name-only", sinceSha, "HEAD"], cancellationToken);
        files.UnionWith(committed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // Not RunAsync: its trimming would eat the status column of the first line.
        var status = await TryRunAsync(worktree, ["status", "--porcelain=v1", "--untracked-files=all"], cancellationToken);
        if (status.ExitCode != 0)
        {
            throw new GitException($"git status failed in {worktree}: {status.StartError ?? status.StandardError.Trim()}");
        }

        foreach (var line in status.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = line.Length > 3 ? line[3..] : line;
            var arrow = path.IndexOf(" -> ", StringComparison.Ordinal);
            if (arrow >= 0)
            {
                files.Add(Unquote(path[..arrow]));
                path = path[(arrow + 4)..];
            }

            files.Add(Unquote(path));
        }

        return files.ToList();
    }

    /// <summary>What the changed files look like now: a content hash per path, "deleted" for a removed one.</summary>
    public async Task<Dictionary<string, string>> SnapshotAsync(string worktree, string sinceSha, CancellationToken cancellationToken)
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in await ChangedFilesAsync(worktree, sinceSha, cancellationToken))
        {
            var full = Path.Combine(worktree, file);
            snapshot[file] = File.Exists(full)
                ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(full, cancellationToken)))
                : "deleted";
        }

        return snapshot;
    }

    /// <summary>Puts the worktree back exactly at <paramref name="sha"/>: tracked changes and untracked files are removed.</summary>
    public async Task ResetAsync(string worktree, string sha, CancellationToken cancellationToken)
    {
        await RunAsync(worktree, ["reset", "-q", "--hard", sha], cancellationToken);
        await RunAsync(worktree, ["clean", "-fdq"], cancellationToken);
    }

    /// <summary>Merges <paramref name="branch"/> into the checked-out branch; on a conflict the merge is aborted, leaving nothing half-merged.</summary>
    public async Task<MergeOutcome> MergeAsync(string repository, string branch, string message, CancellationToken cancellationToken)
    {
        var merge = await TryRunAsync(repository, ["merge", "--no-ff", "--no-edit", "-m", message, branch], cancellationToken);
        if (merge.ExitCode == 0)
        {
            return new MergeOutcome(true, [], merge.StandardOutput.Trim());
        }

        var conflicts = await TryRunAsync(repository, ["diff", "--name-only", "--diff-filter=U"], cancellationToken);
        Diagnostics.CrashPoints.Hit(Diagnostics.CrashPoints.DuringMergeConflict);
        await TryRunAsync(repository, ["merge", "--abort"], cancellationToken);
        var files = conflicts.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new MergeOutcome(false, files, (merge.StandardOutput + merge.StandardError).Trim());
    }

    /// <summary>The subject line of <paramref name="commit"/>, or <see langword="null"/> when it cannot be read.</summary>
    public async Task<string?> SubjectAsync(string repository, string commit, CancellationToken cancellationToken)
    {
        var log = await TryRunAsync(repository, ["log", "-1", "--format=%s", commit], cancellationToken);
        return log.ExitCode == 0 ? log.StandardOutput.Trim() : null;
    }

    /// <summary>Aborts a merge in progress in <paramref name="repository"/> when its message contains <paramref name="marker"/>; true when it did.</summary>
    public async Task<bool> AbortMergeAsync(string repository, string marker, CancellationToken cancellationToken)
    {
        var head = await TryRunAsync(repository, ["rev-parse", "-q", "--verify", "MERGE_HEAD"], cancellationToken);
        if (head.ExitCode != 0)
        {
            return false;
        }

        var path = await TryRunAsync(repository, ["rev-parse", "--git-path", "MERGE_MSG"], cancellationToken);
        var file = Path.Combine(repository, path.StandardOutput.Trim());
        if (!File.Exists(file) || !(await File.ReadAllTextAsync(file, cancellationToken)).Contains(marker, StringComparison.Ordinal))
        {
            return false;
        }

        return (await TryRunAsync(repository, ["merge", "--abort"], cancellationToken)).ExitCode == 0;
    }

    private static string Unquote(string path) => path.Length > 1 && path[0] == '"' && path[^1] == '"' ? path[1..^1] : path;
}
