namespace Orch.Core.Planning;

/// <summary>
/// The pairs of workstreams whose scopes overlap, found without comparing every pair: two entries can overlap only when
/// the literal part of one (a path, or a glob's text before its first wildcard) is a prefix of the other's, so each
/// entry looks up its own prefixes. Near-linear in the number of entries, unless the scopes really do overlap widely.
/// </summary>
internal static class ScopeOverlaps
{
    /// <summary>Each overlapping pair once, as indexes into <paramref name="workstreams"/> with the smaller first.</summary>
    public static IEnumerable<(int A, int B)> Pairs(IReadOnlyList<WorkstreamSpec> workstreams)
    {
        var owners = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var keys = new string[workstreams.Count][];
        for (var i = 0; i < workstreams.Count; i++)
        {
            keys[i] = workstreams[i].AllScope.Select(ScopeMatcher.LiteralKey).Distinct(StringComparer.Ordinal).ToArray();
            foreach (var key in keys[i])
            {
                if (!owners.TryGetValue(key, out var list))
                {
                    owners[key] = list = [];
                }

                list.Add(i);
            }
        }

        var lookup = owners.GetAlternateLookup<ReadOnlySpan<char>>();
        var seen = new HashSet<(int, int)>();
        for (var i = 0; i < workstreams.Count; i++)
        {
            foreach (var key in keys[i])
            {
                for (var length = 0; length <= key.Length; length++)
                {
                    if (!lookup.TryGetValue(key.AsSpan(0, length), out var others))
                    {
                        continue;
                    }

                    foreach (var j in others)
                    {
                        var pair = i < j ? (i, j) : (j, i);
                        if (i != j && seen.Add(pair) && ScopeMatcher.Overlaps(workstreams[pair.Item1].AllScope, workstreams[pair.Item2].AllScope))
                        {
                            yield return pair;
                        }
                    }
                }
            }
        }
    }
}
