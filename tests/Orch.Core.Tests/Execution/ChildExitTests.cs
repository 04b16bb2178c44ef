using Orch.Core.Execution;
using Orch.Testing;

namespace Orch.Core.Tests.Execution;

/// <summary>Each child's exit reaches its own waiter, however many start and end at once.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class ChildExitTests
{
    [TestMethod]
    public async Task Start_FromManyThreadsAtOnce_WhileOthersEnd_GivesEveryChildItsOwnExitCode()
    {
        using var dir = new TempDirectory();

        // Short children started from 8 threads at once, so starts and ends interleave.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(thread => Task.Run(async () =>
        {
            var codes = new List<(int Expected, int Actual)>();
            for (var i = 0; i < 60; i++)
            {
                var expected = (thread * 60 + i) % 200;
                using var child = ChildProcess.Start(["/bin/sh", "-c", $"exit {expected}"], dir.Path, new Dictionary<string, string>());
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                codes.Add((expected, await child.WaitForExitAsync(patience.Token)));
            }

            return codes;
        })));

        var wrong = results.SelectMany(r => r).Where(c => c.Expected != c.Actual).ToList();
        Assert.IsEmpty(wrong, string.Join(", ", wrong.Take(10)));
        Assert.HasCount(480, results.SelectMany(r => r));
    }

    [TestMethod]
    public async Task Start_OfAChildKilledByASignal_ReportsItAsAShellWould()
    {
        using var dir = new TempDirectory();
        using var child = ChildProcess.Start(["/bin/sh", "-c", "kill -TERM $$; sleep 5"], dir.Path, new Dictionary<string, string>());

        Assert.AreEqual(128 + 15, await child.WaitForExitAsync(CancellationToken.None));
    }
}
