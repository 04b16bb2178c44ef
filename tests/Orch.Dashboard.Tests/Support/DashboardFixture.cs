using System.Text.Json;
using Orch.Testing;

namespace Orch.Dashboard.Tests.Support;

/// <summary>Repositories with runs in them, made by the real CLI, for the dashboard to show.</summary>
internal static class DashboardFixture
{
    public static readonly string FixLoopPlan = SamplePlans.FixLoop();

    /// <summary>Two workstreams, the second after the first; the first's EDIT waits until <paramref name="gate"/> exists.</summary>
    public static string GatedPlan(string gate, string file) =>
        $"- id: first\n  files_scope: [src/{file}1.txt]\n  edit: {{tool: script, command: [sh, -c, 'while [ ! -f {gate} ]; do sleep 0.1; done; echo one > src/{file}1.txt']}}\n" +
        "  static: []\n  runtime: []\n" +
        $"- id: second\n  depends_on: [first]\n  files_scope: [src/{file}2.txt]\n  edit: {{tool: script, command: [sh, -c, 'echo two > src/{file}2.txt']}}\n" +
        "  static: []\n  runtime: []\n";

    public static TestRepository NewRepository() => new(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });

    public static string Db(TestRepository repo) => repo.Combine(".orch", "state.db");

    /// <summary>Runs the FIX-loop plan to its end (it fails at max_attempts) and returns the run id.</summary>
    public static async Task<string> FinishedRunAsync(TestRepository repo)
    {
        repo.Write("fixloop.yaml", FixLoopPlan);
        var (exit, output, error) = await OrchProcess.RunAsync(repo.Path, Db(repo), null, "run", "fixloop.yaml", "--format", "json");
        Assert.AreEqual(1, exit, output + error);
        return RunIdOf(output);
    }

    public static string RunIdOf(string jsonLines) =>
        JsonDocument.Parse(jsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.GetProperty("run_id").GetString()!;

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                Assert.Fail("timed out waiting for " + what);
            }

            await Task.Delay(100);
        }
    }
}
