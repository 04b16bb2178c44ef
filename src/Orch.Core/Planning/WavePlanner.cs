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
        // Kahn's algorithm, one level at a time: linear in workstreams and dependencies.
        var byId = workstreams.GroupBy(w => w.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var waiting = new Dictionary<string, int>(StringComparer.Ordinal);
        var dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (id, ws) in byId)
        {
            var known = ws.DependsOn.Where(byId.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
            waiting[id] = known.Count;
            foreach (var dependency in known)
            {
                if (!dependents.TryGetValue(dependency, out var list))
                {
                    dependents[dependency] = list = [];
                }

                list.Add(id);
            }
        }

        var waves = new List<Wave>();
        var ready = waiting.Where(kv => kv.Value == 0).Select(kv => kv.Key).ToList();
        while (ready.Count > 0)
        {
            ready.Sort(StringComparer.Ordinal);
            var members = ready.Select(id => byId[id]).ToList();
            waves.Add(new Wave(waves.Count + 1, members, ConflictGroups(members)));
            var next = new List<string>();
            foreach (var id in ready)
            {
                foreach (var dependent in dependents.GetValueOrDefault(id) ?? [])
                {
                    if (--waiting[dependent] == 0)
                    {
                        next.Add(dependent);
                    }
                }
            }

            ready = next;
        }

        // Members of a cycle, and what depends on them, never become ready: they get no wave.
        return waves;
    }

    private static IReadOnlyList<IReadOnlyList<string>> ConflictGroups(List<WorkstreamSpec> members)
    {
        // Union-find over "scopes overlap": a group is a connected component with more than one member.
        var parent = Enumerable.Range(0, members.Count).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        foreach (var (a, b) in ScopeOverlaps.Pairs(members))
        {
            parent[Find(a)] = Find(b);
        }

        return Enumerable.Range(0, members.Count).GroupBy(Find).Where(g => g.Count() > 1)
            .Select(g => (IReadOnlyList<string>)g.Select(i => members[i].Id).ToList()).ToList();
    }
}
