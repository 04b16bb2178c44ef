using Orch.Core.Planning;

namespace Orch.Core.Workflow;

/// <summary>Finds changed files outside a workstream's files_scope and files_create. An empty scope allows everything.</summary>
public static class ScopeGuard
{
    public static IReadOnlyList<string> Violations(WorkstreamSpec workstream, IEnumerable<string> changedFiles)
    {
        var scope = workstream.AllScope.ToList();
        return scope.Count == 0 ? [] : changedFiles.Where(f => !ScopeMatcher.Allows(scope, f)).ToList();
    }
}
