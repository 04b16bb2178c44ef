namespace Orch.Core.Workflow;

/// <summary>
/// Spots a FIX loop going round in circles: the same finding-signature set coming back within the window
/// (A→A, or A→B→A) as often as the threshold allows.
/// </summary>
public sealed class OscillationDetector(int window, int threshold)
{
    private readonly List<string> _history = [];

    /// <summary>Records one check's signatures; true when the loop oscillates.</summary>
    public bool Observe(IEnumerable<string> signatures)
    {
        var key = string.Join(',', signatures.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        if (key.Length == 0)
        {
            return false;
        }

        var recent = _history.Skip(Math.Max(0, _history.Count - window));
        var seen = recent.Count(k => k == key) + 1;
        _history.Add(key);
        return seen >= Math.Max(2, threshold);
    }
}
