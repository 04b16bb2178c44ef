namespace Orch.Core.Estimates;

/// <summary>
/// A run's ETA as it goes. It starts from what earlier runs predict (<see cref="PlanEstimate"/>); each workstream that
/// finishes shows how this run's pace compares with them (actual over predicted time), and what is left is scaled by
/// that pace. A workstream the history knows nothing of is expected to take the mean of this run's finished ones, once
/// there are any; until then what depends on it is unknown, never a guess. Not thread-safe: one view owns it.
/// </summary>
public sealed class RunEta
{
    private readonly IReadOnlyDictionary<string, TimeSpan?> _predicted;
    private readonly int _slots;
    private readonly Dictionary<string, TimeSpan?> _finished = new(StringComparer.Ordinal);

    /// <summary>Follows a run of these workstreams, with <paramref name="parallel"/> running at once.</summary>
    /// <param name="predicted">Each workstream's predicted duration; <see langword="null"/> where the history does not know.</param>
    /// <param name="parallel">The run's slots.</param>
    public RunEta(IReadOnlyDictionary<string, TimeSpan?> predicted, int parallel)
    {
        _predicted = predicted;
        _slots = Math.Max(1, parallel);
    }

    /// <summary>This run's speed against the history: above 1 when it is slower. 1 until a predicted workstream finishes.</summary>
    public double Pace
    {
        get
        {
            var known = _finished.Where(f => f.Value is not null && _predicted.GetValueOrDefault(f.Key) is { Ticks: > 0 }).ToList();
            return known.Count == 0 ? 1 : known.Sum(f => f.Value!.Value.TotalSeconds) / known.Sum(f => _predicted[f.Key]!.Value.TotalSeconds);
        }
    }

    /// <summary>A workstream ended after <paramref name="took"/>; <see langword="null"/> when it never ran (skipped), which says nothing of the pace.</summary>
    public void Finished(string workstream, TimeSpan? took) => _finished[workstream] = took;

    /// <summary>How long <paramref name="workstream"/> should take in all, as this run goes; <see langword="null"/> when unknown.</summary>
    public TimeSpan? Expected(string workstream)
    {
        if (_predicted.GetValueOrDefault(workstream) is { } predicted)
        {
            return predicted * Pace;
        }

        var actual = _finished.Values.OfType<TimeSpan>().ToList();
        return actual.Count == 0 ? null : TimeSpan.FromTicks((long)actual.Average(t => t.Ticks));
    }

    /// <summary>What is left of a workstream that has run for <paramref name="took"/>: never below zero ("any moment").</summary>
    public TimeSpan? Left(string workstream, TimeSpan took) => Expected(workstream) is { } expected ? Max(TimeSpan.Zero, expected - took) : null;

    /// <summary>
    /// What is left of the run, given how long each running workstream has run: the work left shared over the slots, and
    /// never less than the longest single workstream left. <see langword="null"/> when any part is unknown.
    /// </summary>
    public TimeSpan? RunLeft(IReadOnlyDictionary<string, TimeSpan> running)
    {
        var total = TimeSpan.Zero;
        var longest = TimeSpan.Zero;
        foreach (var workstream in _predicted.Keys.Where(w => !_finished.ContainsKey(w)))
        {
            var left = running.TryGetValue(workstream, out var took) ? Left(workstream, took) : Expected(workstream);
            if (left is not { } known)
            {
                return null;
            }

            total += known;
            longest = Max(longest, known);
        }

        return Max(longest, total / _slots);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
