namespace Orch.Testing;

/// <summary>Plans the tests share, each with the repository file it works on.</summary>
public static class SamplePlans
{
    /// <summary>
    /// One workstream ("notes", scope <c>src/</c>, on <c>src/a.txt</c>) whose STATIC check always finds one error at
    /// src/a.txt:1, and whose EDIT and each FIX add a line, so every round's finding says something new and the FIX loop
    /// runs to <paramref name="maxAttempts"/> checks.
    /// </summary>
    public static string FixLoop(int maxAttempts = 3) =>
        "id: notes\nfiles_scope: [src/]\nedit: {tool: script, command: [sh, -c, 'echo more >> src/a.txt; echo edited src/a.txt']}\n" +
        "static: [[sh, -c, 'echo \"src/a.txt:1:1: error E1: still $(wc -l < src/a.txt) lines\"; exit 1']]\nruntime: []\n" +
        $"circuit_breaker: {{max_attempts: {maxAttempts}}}\n";
}
