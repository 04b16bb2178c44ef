using Orch.Core.Git;
using Orch.Core.Storage;

namespace Orch.Core.Workflow.Distribution;

/// <summary>
/// The shared git remote through which a distributed run's workstreams travel between hosts. Under
/// <c>refs/orch/RUN/WS/</c> it holds <c>base</c>, the commit the workstream starts from, and one ref per attempt
/// (the job's fencing token) with that attempt's last checkpoint. An attempt only ever pushes its own ref, and with
/// <c>--force-with-lease</c> on what it pushed last, so a stale worker can neither move a newer attempt's work nor its own
/// ref once someone else has.
/// </summary>
public sealed class CheckpointRemote(GitClient git, string url)
{
    /// <summary>The remote's URL or path.</summary>
    public string Url { get; } = url;

    /// <summary>
    /// What every host should use for <paramref name="given"/>: the URL of a remote of that name in
    /// <paramref name="repository"/>, an existing folder as its full path, else the text itself (a URL).
    /// </summary>
    public static async Task<string> ResolveAsync(GitClient git, string repository, string given, CancellationToken cancellationToken)
    {
        var named = await git.TryRunAsync(repository, ["remote", "get-url", given], cancellationToken);
        var target = named.ExitCode == 0 && named.StandardOutput.Trim() is { Length: > 0 } url ? url : given;
        return Directory.Exists(Path.Combine(repository, target)) ? Path.GetFullPath(Path.Combine(repository, target)) : target;
    }

    /// <summary>The refs of one workstream of one run.</summary>
    public static string Prefix(string runId, string workstreamId) => $"refs/orch/{runId}/{workstreamId}";

    /// <summary>The ref of one attempt.</summary>
    public static string AttemptRef(string runId, string workstreamId, long attempt) => $"{Prefix(runId, workstreamId)}/{attempt}";

    /// <summary>Publishes the commit a workstream starts from; only the run's coordinator writes it, before the workstream is queued.</summary>
    public Task PublishBaseAsync(string repository, string runId, string workstreamId, string sha, CancellationToken cancellationToken) =>
        PushAsync(repository, ["--force", Url, $"{sha}:{Prefix(runId, workstreamId)}/base"], cancellationToken);

    /// <summary>Fetches the workstream's refs into <paramref name="repository"/> (under the same names) and reads them.</summary>
    /// <exception cref="GitException">The remote cannot be reached, or holds no base for the workstream.</exception>
    public async Task<RemoteCheckpoints> FetchAsync(string repository, string runId, string workstreamId, CancellationToken cancellationToken)
    {
        var prefix = Prefix(runId, workstreamId);
        var fetch = await git.TryRunAsync(repository, ["fetch", "--quiet", "--no-tags", Url, $"+{prefix}/*:{prefix}/*"], cancellationToken);
        if (fetch.ExitCode != 0)
        {
            throw new GitException($"cannot fetch {prefix} from {Url}: {FirstLine(fetch.StandardError)}; every host of a distributed run must reach the remote");
        }

        var listed = await git.RunAsync(repository, ["for-each-ref", "--format=%(refname)%09%(objectname)", $"{prefix}/"], cancellationToken);
        string? baseSha = null;
        (long Attempt, string Sha)? latest = null;
        foreach (var line in listed.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            var name = parts[0][(prefix.Length + 1)..];
            if (name == "base")
            {
                baseSha = parts[1];
            }
            else if (long.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var attempt)
                     && (latest is null || attempt > latest.Value.Attempt))
            {
                latest = (attempt, parts[1]);
            }
        }

        return new RemoteCheckpoints(baseSha ?? throw new GitException($"{Url} holds no {prefix}/base: the run's coordinator publishes it before queuing the workstream"),
            latest?.Sha, latest?.Attempt);
    }

    /// <summary>
    /// Pushes <paramref name="sha"/> as attempt <paramref name="attempt"/>'s checkpoint, only if that ref is still
    /// <paramref name="expected"/> (<see langword="null"/>: it must not exist yet).
    /// </summary>
    /// <exception cref="JobFencedException">The ref moved: this attempt is no longer the workstream's.</exception>
    /// <exception cref="GitException">The remote cannot be reached.</exception>
    public async Task PushCheckpointAsync(string repository, string runId, string workstreamId, long attempt, string sha, string? expected,
        CancellationToken cancellationToken)
    {
        var target = AttemptRef(runId, workstreamId, attempt);
        var push = await git.TryRunAsync(repository, ["push", "--quiet", "--porcelain", $"--force-with-lease={target}:{expected ?? ""}", Url, $"{sha}:{target}"],
            cancellationToken);
        if (push.ExitCode == 0)
        {
            return;
        }

        var said = $"{push.StandardOutput}\n{push.StandardError}";
        if (said.Contains("stale info", StringComparison.Ordinal) || said.Contains("[rejected]", StringComparison.Ordinal))
        {
            throw new JobFencedException($"the checkpoint ref {target} on {Url} moved under this worker; another worker has the workstream, so nothing more is pushed");
        }

        throw new GitException($"cannot push checkpoint {sha[..Math.Min(12, sha.Length)]} to {target} on {Url}: {FirstLine(push.StandardError)}");
    }

    /// <summary>Points local branch <paramref name="branch"/> at the workstream's last pushed checkpoint (its base when none), for the merge.</summary>
    public async Task BringToBranchAsync(string repository, string runId, string workstreamId, string branch, CancellationToken cancellationToken)
    {
        var refs = await FetchAsync(repository, runId, workstreamId, cancellationToken);
        await git.RunAsync(repository, ["branch", "--force", branch, refs.Latest ?? refs.Base], cancellationToken);
    }

    private async Task PushAsync(string repository, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var push = await git.TryRunAsync(repository, ["push", "--quiet", .. args], cancellationToken);
        if (push.ExitCode != 0)
        {
            throw new GitException($"cannot push to {Url}: {FirstLine(push.StandardError)}; every host of a distributed run must reach the remote");
        }
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "git failed";
}

/// <summary>What the remote holds for one workstream.</summary>
/// <param name="Base">The commit it starts from.</param>
/// <param name="Latest">The last checkpoint of the newest attempt that pushed one, if any.</param>
/// <param name="LatestAttempt">That attempt.</param>
public sealed record RemoteCheckpoints(string Base, string? Latest, long? LatestAttempt);
