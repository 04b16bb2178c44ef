using Orch.Core.Diagnostics;
using Orch.Core.Planning;

namespace Orch.Core.Tests.Planning;

/// <summary>Planning stays correct when it stopped comparing every pair and recursing through every chain.</summary>
[TestClass]
public sealed class PlanningScaleTests
{
    private static readonly string[] Entries = ["src/", "src/a/", "src/a/x.cs", "src/b/", "src/**/*.cs", "docs/", "docs/*.md", "tests/a.cs", "src/a", "**/*.json", "lib/"];

    [TestMethod]
    public void ScopeOverlaps_FindsExactlyThePairsThatComparingEveryPairFinds()
    {
        var random = new Random(31);
        var workstreams = Enumerable.Range(0, 200).Select(i => new WorkstreamSpec
        {
            Id = $"w{i}",
            FilesScope = Enumerable.Range(0, random.Next(0, 3)).Select(_ => Entries[random.Next(Entries.Length)]).ToList(),
            FilesCreate = random.Next(4) == 0 ? [$"gen/{random.Next(20)}.txt"] : [],
        }).ToList();

        var found = ScopeOverlaps.Pairs(workstreams).Order().ToList();

        var expected = new List<(int, int)>();
        for (var i = 0; i < workstreams.Count; i++)
        {
            for (var j = i + 1; j < workstreams.Count; j++)
            {
                if (ScopeMatcher.Overlaps(workstreams[i].AllScope, workstreams[j].AllScope))
                {
                    expected.Add((i, j));
                }
            }
        }

        Assert.IsNotEmpty(expected);
        CollectionAssert.AreEqual(expected, found);
    }

    [TestMethod]
    public void Validate_AChainOfTwentyThousand_NeedsNoDeepRecursionAndFindsTheCycleAtItsEnd()
    {
        var chain = Enumerable.Range(0, 20_000)
            .Select(i => new WorkstreamSpec { Id = $"c{i}", DependsOn = [i == 0 ? "c19999" : $"c{i - 1}"], FilesScope = [$"src/c{i}/"] }).ToList();
        var diagnostics = new List<OrchDiagnostic>();

        PlanValidator.Validate(chain, diagnostics);

        var cycle = diagnostics.Single(d => d.Code == PlanValidator.Cycle);
        StringAssert.StartsWith(cycle.Message, "dependency cycle: c0 -> c19999 -> c19998");
    }

    [TestMethod]
    public void Plan_AChainOfTwentyThousand_GivesOneWaveEach()
    {
        var chain = Enumerable.Range(0, 20_000).Select(i => new WorkstreamSpec { Id = $"c{i:00000}", DependsOn = i == 0 ? [] : [$"c{i - 1:00000}"] }).ToList();

        var waves = WavePlanner.Plan(chain);

        Assert.HasCount(20_000, waves);
        Assert.AreEqual("c19999", waves[^1].Workstreams.Single().Id);
    }
}
