using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;

namespace Orch.Core.Planning;

/// <summary>Checks a plan as a whole: duplicate ids, unknown dependencies, cycles (with their path) and overlapping scopes.</summary>
public static class PlanValidator
{
    public const string DuplicateId = "ORCH1101";
    public const string UnknownDependency = "ORCH1102";
    public const string Cycle = "ORCH1103";
    public const string OverlappingScope = "ORCH1104";

    public static void Validate(IReadOnlyList<WorkstreamSpec> workstreams, List<OrchDiagnostic> diagnostics)
    {
        var byId = new Dictionary<string, WorkstreamSpec>(StringComparer.Ordinal);
        foreach (var ws in workstreams)
        {
            if (!byId.TryAdd(ws.Id, ws))
            {
                diagnostics.Add(At(ws, DuplicateId, FindingSeverity.Error, $"workstream id '{ws.Id}' is used twice (first in {byId[ws.Id].SourceFile})",
                    "Give every workstream its own id."));
            }
        }

        foreach (var ws in workstreams)
        {
            foreach (var dependency in ws.DependsOn.Where(d => !byId.ContainsKey(d)))
            {
                var suggestion = Documents.FieldReader.Suggest(dependency, byId.Keys);
                var at = ws.DependencyPositions.TryGetValue(dependency, out var position) ? position : (ws.SourceLine ?? 1, 1);
                diagnostics.Add(new OrchDiagnostic(UnknownDependency, FindingSeverity.Error,
                    $"workstream '{ws.Id}' depends on unknown workstream '{dependency}'{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")}",
                    ws.SourceFile, at.Item1, at.Item2, "Add the missing workstream to the plan, or remove it from depends_on."));
            }
        }

        foreach (var cycle in FindCycles(byId))
        {
            diagnostics.Add(At(byId[cycle[0]], Cycle, FindingSeverity.Error, $"dependency cycle: {string.Join(" -> ", cycle)}",
                "Break the cycle by removing one of these depends_on entries."));
        }

        var list = byId.Values.ToList();
        foreach (var (i, j) in ScopeOverlaps.Pairs(list).OrderBy(p => p.A).ThenBy(p => p.B))
        {
            // Ordered by dependencies, two workstreams never run together, so their overlap is by design.
            if (!Reaches(list[i].Id, list[j].Id, byId) && !Reaches(list[j].Id, list[i].Id, byId))
            {
                diagnostics.Add(At(list[j], OverlappingScope, FindingSeverity.Warning,
                    $"workstreams '{list[i].Id}' and '{list[j].Id}' have overlapping files_scope; they will never run at the same time",
                    "Split their scopes, or make one depend on the other to fix the order."));
            }
        }
    }

    /// <summary>True when <paramref name="from"/> depends on <paramref name="to"/>, directly or through others.</summary>
    private static bool Reaches(string from, string to, Dictionary<string, WorkstreamSpec> byId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(byId[from].DependsOn);
        while (pending.TryPop(out var next))
        {
            if (next == to)
            {
                return true;
            }

            if (byId.TryGetValue(next, out var ws) && seen.Add(next))
            {
                foreach (var dependency in ws.DependsOn)
                {
                    pending.Push(dependency);
                }
            }
        }

        return false;
    }

    /// <summary>Depth-first, with its own stack: a plan may chain thousands of workstreams, deeper than the call stack goes.</summary>
    private static List<List<string>> FindCycles(Dictionary<string, WorkstreamSpec> byId)
    {
        var cycles = new List<List<string>>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        var onPath = new Dictionary<string, int>(StringComparer.Ordinal);
        var frames = new Stack<(string Id, int Next)>();
        foreach (var root in byId.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(root) != 0)
            {
                continue;
            }

            Enter(root);
            while (frames.TryPop(out var frame))
            {
                var dependencies = byId[frame.Id].DependsOn;
                var next = frame.Next;
                while (next < dependencies.Count && !byId.ContainsKey(dependencies[next]))
                {
                    next++;
                }

                if (next == dependencies.Count)
                {
                    path.RemoveAt(path.Count - 1);
                    onPath.Remove(frame.Id);
                    state[frame.Id] = 2;
                    continue;
                }

                frames.Push((frame.Id, next + 1));
                var dependency = dependencies[next];
                if (state.GetValueOrDefault(dependency) == 1)
                {
                    cycles.Add([.. path[onPath[dependency]..], dependency]);
                }
                else if (state.GetValueOrDefault(dependency) == 0)
                {
                    Enter(dependency);
                }
            }
        }

        return cycles;

        void Enter(string id)
        {
            state[id] = 1;
            onPath[id] = path.Count;
            path.Add(id);
            frames.Push((id, 0));
        }
    }

    private static OrchDiagnostic At(WorkstreamSpec ws, string code, FindingSeverity severity, string message, string hint) =>
        new(code, severity, message, ws.SourceFile, ws.SourceLine, 1, hint);
}
