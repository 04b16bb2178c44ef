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
        var ancestors = list.ToDictionary(w => w.Id, w => Ancestors(w.Id, byId), StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            for (var j = i + 1; j < list.Count; j++)
            {
                // Ordered by dependencies, two workstreams never run together, so their overlap is by design.
                var ordered = ancestors[list[i].Id].Contains(list[j].Id) || ancestors[list[j].Id].Contains(list[i].Id);
                if (!ordered && ScopeMatcher.Overlaps(list[i].AllScope, list[j].AllScope))
                {
                    diagnostics.Add(At(list[j], OverlappingScope, FindingSeverity.Warning,
                        $"workstreams '{list[i].Id}' and '{list[j].Id}' have overlapping files_scope; they will never run at the same time",
                        "Split their scopes, or make one depend on the other to fix the order."));
                }
            }
        }
    }

    private static HashSet<string> Ancestors(string id, Dictionary<string, WorkstreamSpec> byId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(byId[id].DependsOn);
        while (pending.TryPop(out var next))
        {
            if (byId.TryGetValue(next, out var ws) && seen.Add(next))
            {
                foreach (var dependency in ws.DependsOn)
                {
                    pending.Push(dependency);
                }
            }
        }

        return seen;
    }

    private static List<List<string>> FindCycles(Dictionary<string, WorkstreamSpec> byId)
    {
        var cycles = new List<List<string>>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        foreach (var id in byId.Keys.Order(StringComparer.Ordinal))
        {
            Visit(id);
        }

        return cycles;

        void Visit(string id)
        {
            state[id] = 1;
            stack.Add(id);
            foreach (var next in byId[id].DependsOn.Where(byId.ContainsKey))
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    var start = stack.IndexOf(next);
                    cycles.Add([.. stack[start..], next]);
                }
                else if (state.GetValueOrDefault(next) == 0)
                {
                    Visit(next);
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
        }
    }

    private static OrchDiagnostic At(WorkstreamSpec ws, string code, FindingSeverity severity, string message, string hint) =>
        new(code, severity, message, ws.SourceFile, ws.SourceLine, 1, hint);
}
