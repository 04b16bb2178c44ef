namespace Orch.Core.Planning;

/// <summary>
/// Orders workstreams into topological waves: wave N holds those whose dependencies all sit in earlier waves.
/// Within a wave, workstreams with overlapping scopes form a conflict group and never run at the same time.
/// </summary>
public static class WavePlanner
{
    /// <summary>
    /// The waves of what can be ordered. A dependency on a workstream that is not there (its file did not load) is left
    /// out, and the members of a cycle get no wave; the validator reports both.
    /// </summary>
    public static IReadOnlyList<Wave> Plan(IReadOnlyList<WorkstreamSpec> workstreams)
    {
        var byId = workstreams.GroupBy(w => w.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var level = new Dictionary<string, int>(StringComparer.Ordinal);
        var remaining = new HashSet<string>(byId.Keys, StringComparer.Ordinal);
        var waves = new List<Wave>();
        while (remaining.Count > 0)
        {
            var ready = remaining.Where(id => byId[id].DependsOn.All(d => level.ContainsKey(d) || !byId.ContainsKey(d))).Order(StringComparer.Ordinal).ToList();
            if (ready.Count == 0)
            {
                return waves;
            }

            foreach (var id in ready)
            {
                level[id] = waves.Count;
                remaining.Remove(id);
            }

            var members = ready.Select(id => byId[id]).ToList();
            waves.Add(new Wave(waves.Count + 1, members, ConflictGroups(members)));
        }

        return waves;
    }

    private static IReadOnlyList<IReadOnlyList<string>> ConflictGroups(List<WorkstreamSpec> members)
    {
        // Union-find over "scopes overlap": a group is a connected component with more than one member.
        var parent = members.ToDictionary(m => m.Id, m => m.Id, StringComparer.Ordinal);
        string Find(string x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        for (var i = 0; i < members.Count; i++)
        {
            for (var j = i + 1; j < members.Count; j++)
            {
                if (ScopeMatcher.Overlaps(members[i].AllScope, members[j].AllScope))
                {
                    parent[Find(members[i].Id)] = Find(members[j].Id);
                }
            }
        }

        return members.GroupBy(m => Find(m.Id)).Where(g => g.Count() > 1)
            .Select(g => (IReadOnlyList<string>)g.Select(m => m.Id).ToList()).ToList();
    }
}
