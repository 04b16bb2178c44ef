using System.Globalization;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.Crashes;

/// <summary>SIGKILL at a random moment of a multi-workstream run, then resume: the promises hold wherever the kill lands.</summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class RandomKillTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>Trials per CI run; ORCH_KILL_TRIALS raises it for a longer soak, ORCH_KILL_SEED repeats a failed series.</summary>
    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("ORCH_KILL_TRIALS"), CultureInfo.InvariantCulture, out var n) ? n : 20;

    [TestMethod]
    public async Task Run_KilledAtRandomMoments_ResumeAlwaysFinishesConsistently()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ORCH_KILL_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;
        var random = new Random(seed);
        TestContext.WriteLine($"ORCH_KILL_SEED={seed}");
        for (var trial = 1; trial <= Trials; trial++)
        {
            using var scenario = new Scenario(editDelay: "0.1");
            var delay = random.Next(50, 2500);
            using (var run = OrchProcess.Start(scenario.Repository.Path, scenario.Database, null, "run", "plan.yaml", "--parallel", "2"))
            {
                _ = run.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
                _ = run.StandardError.ReadToEndAsync(TestContext.CancellationToken);
                await Task.Delay(delay, TestContext.CancellationToken);
                if (!run.HasExited)
                {
                    run.Kill(entireProcessTree: false);
                }

                await run.WaitForExitAsync(TestContext.CancellationToken);
            }

            var context = $"trial {trial}, killed after {delay} ms (ORCH_KILL_SEED={seed})";
            var runId = scenario.LatestRun();
            var (exit, output, error) = runId is null
                ? await scenario.OrchAsync(null, "run", "plan.yaml", "--parallel", "2")
                : await scenario.OrchAsync(null, "resume", runId);
            context += $":\n{output}\n{error}";
            Assert.AreEqual(0, exit, context);
            scenario.AssertConsistent(context);
            scenario.AssertAllMergedOnce(context);
        }
    }
}
