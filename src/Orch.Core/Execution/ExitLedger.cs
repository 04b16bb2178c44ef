using Orch.Core.Storage;

namespace Orch.Core.Execution;

/// <summary>
/// Where each queued job's exit is appended as <c>KEY CODE</c> when the job ends, one file per worker process, by the
/// worker's <see cref="JobSupervisor"/> or, where there is none, by a shell around the job. A worker that dies after its
/// job finished leaves the code here, so the reconciler completes the job instead of running it again. Appending to one
/// file, rather than a file per job, spares each job a file creation and a deletion.
/// </summary>
public static class ExitLedger
{
    /// <summary>The shell that runs the job (<c>$3</c> onwards) and then appends its key (<c>$2</c>) and exit code to the ledger (<c>$1</c>).</summary>
    internal const string Script = "m=$1; k=$2; shift 2; \"$@\"; c=$?; printf '%s %s\\n' \"$k\" \"$c\" >> \"$m\"; exit $c";

    /// <summary>The ledger of the worker <paramref name="ownerId"/> in the repository at <paramref name="repositoryRoot"/>.</summary>
    public static string PathFor(string repositoryRoot, string ownerId) =>
        Path.Combine(repositoryRoot, ".orch", "exits", string.Concat(ownerId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_')) + ".exits");

    /// <summary>One attempt of one job: a requeued job runs again under a new key.</summary>
    public static string KeyFor(string jobId, int recoveries) => $"{jobId}.{recoveries}";

    /// <summary>The exit code recorded for <paramref name="key"/>, or <see langword="null"/> when the job did not finish.</summary>
    public static int? Find(string ledger, string key)
    {
        try
        {
            int? found = null;
            foreach (var line in File.ReadLines(ledger))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space == key.Length && line.StartsWith(key, StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture, out var code))
                {
                    found = code;
                }
            }

            return found;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The job supervisor that writes this ledger (<see cref="JobSupervisor"/>), from the line it writes first;
    /// <see langword="null"/> when the jobs' own shells write it, or there is no ledger.
    /// </summary>
    public static ProcessIdentity? SupervisorOf(string ledger)
    {
        try
        {
            ProcessIdentity? found = null;
            foreach (var line in File.ReadLines(ledger))
            {
                if (line.StartsWith(SupervisorMark, StringComparison.Ordinal)
                    && line[SupervisorMark.Length..].Split(' ') is [var pid, var ticks]
                    && int.TryParse(pid, System.Globalization.CultureInfo.InvariantCulture, out var id)
                    && long.TryParse(ticks, System.Globalization.CultureInfo.InvariantCulture, out var start))
                {
                    found = new ProcessIdentity(id, start);
                }
            }

            return found;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>How the line naming a ledger's supervisor starts; no job key starts with <c>#</c>.</summary>
    internal const string SupervisorMark = "# supervisor ";

    /// <summary>Removes a ledger no job needs any more; a failure to do so only leaves a small file behind.</summary>
    public static void Delete(string ledger)
    {
        try
        {
            File.Delete(ledger);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Where and under which key a job's exit code is recorded (see <see cref="ExitLedger"/>).</summary>
public sealed record ExitRecord(string Ledger, string Key);
