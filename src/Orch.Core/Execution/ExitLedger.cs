using Orch.Core.Storage;

namespace Orch.Core.Execution;

/// <summary>
/// Where each queued job's exit is appended as <c>KEY CODE</c> when the job ends, one file per worker process, by the
/// worker's <see cref="JobSupervisor"/> or, where there is none, by a shell around the job. A worker that dies after its
/// job finished leaves the code here, so the reconciler completes the job instead of running it again. Appending to one
/// file, rather than a file per job, spares each job a file creation and a deletion. The supervisor also appends
/// <c>KEY started PID TICKS</c> when it starts a job, before the worker hears of it: the reconciler finds the process
/// of a dead worker's job here, so the worker does not write it to the database.
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
    public static int? Find(string ledger, string key) => Read(ledger).Exits.TryGetValue(key, out var code) ? code : null;

    /// <summary>
    /// The job supervisor that writes this ledger (<see cref="JobSupervisor"/>), from the line it writes first;
    /// <see langword="null"/> when the jobs' own shells write it, or there is no ledger.
    /// </summary>
    public static ProcessIdentity? SupervisorOf(string ledger) => Read(ledger).Supervisor;

    /// <summary>
    /// Everything the ledger holds, read once: its supervisor, each key's process and each key's exit code (the last line
    /// for a key wins). An unreadable or missing ledger reads as empty.
    /// </summary>
    public static LedgerContents Read(string ledger)
    {
        ProcessIdentity? supervisor = null;
        var starts = new Dictionary<string, ProcessIdentity>(StringComparer.Ordinal);
        var exits = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(ledger))
            {
                if (line.StartsWith(SupervisorMark, StringComparison.Ordinal))
                {
                    if (ParseProcess(line.AsSpan(SupervisorMark.Length)) is { } process)
                    {
                        supervisor = process;
                    }

                    continue;
                }

                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0)
                {
                    continue;
                }

                var key = line[..space];
                var rest = line.AsSpan(space + 1);
                if (rest.StartsWith(StartedMark, StringComparison.Ordinal))
                {
                    if (ParseProcess(rest[StartedMark.Length..]) is { } started)
                    {
                        starts[key] = started;
                    }
                }
                else if (int.TryParse(rest, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var code))
                {
                    exits[key] = code;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return new LedgerContents(supervisor, starts, exits);
    }

    /// <summary>The line the supervisor appends when it has started the job <paramref name="key"/> as <paramref name="process"/>.</summary>
    internal static string StartedLine(string key, ProcessIdentity process) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key} {StartedMark}{process.ProcessId} {process.StartTicks}\n");

    private static ProcessIdentity? ParseProcess(ReadOnlySpan<char> text)
    {
        var space = text.IndexOf(' ');
        return space > 0
            && int.TryParse(text[..space], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(text[(space + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            ? new ProcessIdentity(pid, ticks) : null;
    }

    // A start line's second field; an exit line's is a number, so neither reads as the other.
    private const string StartedMark = "started ";

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

/// <summary>What a ledger holds (see <see cref="ExitLedger.Read"/>).</summary>
/// <param name="Supervisor">The supervisor that writes it; <see langword="null"/> when the jobs' own shells do.</param>
/// <param name="Starts">Each key's process, as the supervisor started it.</param>
/// <param name="Exits">Each key's exit code.</param>
public sealed record LedgerContents(ProcessIdentity? Supervisor, IReadOnlyDictionary<string, ProcessIdentity> Starts, IReadOnlyDictionary<string, int> Exits);

/// <summary>Where and under which key a job's exit code is recorded (see <see cref="ExitLedger"/>).</summary>
public sealed record ExitRecord(string Ledger, string Key);
