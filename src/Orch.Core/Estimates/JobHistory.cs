using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Workflow;

namespace Orch.Core.Estimates;

/// <summary>
/// How long, and what, the jobs of earlier runs took, by kind: an EDIT or a FIX by its tool, a check by its phase and
/// command. Only finished jobs count; the median stands for each kind, so one slow outlier does not move it.
/// </summary>
public sealed class JobHistory
{
    private readonly Dictionary<string, List<double>> _seconds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<decimal>> _dollars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Fixes, HashSet<string> Loops)> _rounds = new(StringComparer.Ordinal);

    /// <summary>How many finished jobs the history holds.</summary>
    public int Samples { get; private set; }

    public static JobHistory From(IEnumerable<JobRecord> jobs, IEnumerable<CostRecord> costs)
    {
        var history = new JobHistory();
        var spent = costs.Where(c => c.JobId is not null).GroupBy(c => c.JobId!).ToDictionary(g => g.Key, g => g.Sum(c => c.Entry.CostUsd ?? 0), StringComparer.Ordinal);
        // A check command that ran as several jobs (a build, then one per test project) took their sum in its round.
        var checks = new Dictionary<(string? Run, string Workstream, int Round, int Command, string Key), double>();
        foreach (var job in jobs.Where(j => j.StartedAt is not null && j.FinishedAt is not null && j.Status != JobStatus.Cancelled))
        {
            if (JobName.Parse(job.Spec.Name) is not { } name || Kind(name, job) is not { } kind)
            {
                continue;
            }

            history.Samples++;
            var seconds = (job.FinishedAt!.Value - job.StartedAt!.Value).TotalSeconds;
            if (name.Kind == JobKind.Check)
            {
                var round = (job.RunId, name.Workstream, name.Round, name.Command, kind.Key);
                checks[round] = checks.GetValueOrDefault(round) + seconds;
            }
            else
            {
                Add(history._seconds, kind.Key, seconds);
            }

            if (spent.TryGetValue(job.Id, out var usd))
            {
                Add(history._dollars, kind.Key, usd);
            }

            if (kind.Loop is { } phase)
            {
                // A FIX round of a workstream's phase, or a check that may have none: how many FIX rounds a phase takes.
                var loop = $"{job.RunId}/{name.Workstream}";
                var (fixes, loops) = history._rounds.TryGetValue(phase, out var seen) ? seen : (0, new HashSet<string>(StringComparer.Ordinal));
                loops.Add(loop);
                history._rounds[phase] = (fixes + (kind.Key.StartsWith("fix:", StringComparison.Ordinal) ? 1 : 0), loops);
            }
        }

        foreach (var (round, seconds) in checks)
        {
            Add(history._seconds, round.Key, seconds);
        }

        return history;
    }

    /// <summary>The median duration of a kind, or <see langword="null"/> when no earlier job was of it.</summary>
    public TimeSpan? Duration(string key) => _seconds.TryGetValue(key, out var list) ? TimeSpan.FromSeconds(Median(list)) : null;

    /// <summary>The median spend of a kind, or <see langword="null"/> when none of its jobs recorded a cost.</summary>
    public decimal? Cost(string key) => _dollars.TryGetValue(key, out var list) ? Median(list) : null;

    /// <summary>The mean number of FIX rounds a phase took per workstream, or <see langword="null"/> with no history of that phase.</summary>
    public double? FixRounds(string phase) => _rounds.TryGetValue(phase, out var r) && r.Loops.Count > 0 ? (double)r.Fixes / r.Loops.Count : null;

    public static string EditKey(string tool) => $"edit:{tool}";

    public static string FixKey(string tool) => $"fix:{tool}";

    public static string CheckKey(string phase, string command) => $"check:{phase}:{command}";

    private static (string Key, string? Loop)? Kind(JobName name, JobRecord job) => name.Kind switch
    {
        JobKind.Edit => (EditKey(job.Spec.Tool), null),
        JobKind.Fix => (FixKey(job.Spec.Tool), name.Phase),
        // By the command as the plan writes it; a check stored before jobs recorded that goes by the command as it ran.
        _ => (CheckKey(name.Phase!, job.Spec.CheckCommand ?? (job.Spec.UseShell ? job.Spec.Command[0] : string.Join(' ', job.Spec.Command))), name.Phase),
    };

    private static void Add<T>(Dictionary<string, List<T>> samples, string key, T value)
    {
        if (!samples.TryGetValue(key, out var list))
        {
            samples[key] = list = [];
        }

        list.Add(value);
    }

    private static T Median<T>(List<T> values) where T : System.Numerics.INumber<T>
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / T.CreateChecked(2);
    }
}
