using System.Text;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Schemas;
using Orch.Testing;

namespace Orch.Core.Tests.Schemas;

/// <summary>Hundreds of broken inputs: each gets ORCH diagnostics and none an unhandled exception.</summary>
[TestClass]
public sealed class FuzzTests
{
    private static readonly (string Extension, string Text)[] Seeds =
    [
        (".yaml", "version: 1\nkind: job\nid: build\ncommand: [dotnet, build]\nenv: {A: b}\ntimeout_seconds: 60\nretry: {max_retries: 2, base_delay_seconds: 0.5}\n"),
        (".yaml", "id: calc\nfiles_scope: [src/]\nedit: {tool: script, command: [sh, e.sh]}\nstatic: [[dotnet, build]]\nruntime: [dotnet test]\ncircuit_breaker: {max_attempts: 3}\n"),
        (".yaml", "workstreams:\n  - {id: a}\n  - {id: b, depends_on: [a]}\n"),
        (".yaml", "tools:\n  codex: {model: gpt-5, timeout_seconds: 60}\nbudgets: {run_usd: 5}\n"),
        (".json", File.ReadAllText(TestData.Path("legacy", "jobs", "aider_job.json"))),
        (".json", File.ReadAllText(TestData.Path("legacy", "workstreams", "ws-09-refactor-spec-tools.json"))),
        (".json", File.ReadAllText(TestData.Path("legacy", "workstreams", "example_multi.json"))),
    ];

    private const string Noise = "{}[]:,\"'\n -#&*!|>%@`\t\\0123456789abcxyz";

    [TestMethod]
    public void Load_MutatedInputs_ReportOrchDiagnosticsAndNeverThrow()
    {
        var random = new Random(20261125);
        using var repo = new TempDirectory();
        var checkedCount = 0;
        for (var i = 0; i < 420; i++)
        {
            var (extension, seed) = Seeds[i % Seeds.Length];
            var text = Mutate(seed, random, i / Seeds.Length % 6);
            var file = repo.Write($"fuzz-{i}{extension}", text);
            try
            {
                var results = new[] { FileValidator.ValidateFile(file, repo.Path) };
                var job = new JobLoader(new RepositoryPaths(repo.Path)).Load(file);
                var plan = PlanLoader.Load(file);
                foreach (var diagnostic in results.SelectMany(r => r.Diagnostics).Concat(job.Diagnostics).Concat(plan.Diagnostics))
                {
                    StringAssert.StartsWith(diagnostic.Code, "ORCH", $"mutation {i}: {diagnostic}");
                    Assert.IsFalse(string.IsNullOrWhiteSpace(diagnostic.Message), $"mutation {i} has an empty message");
                }
            }
            catch (Exception ex) when (ex is not AssertFailedException)
            {
                Assert.Fail($"mutation {i} ({extension}) threw {ex.GetType().Name}: {ex.Message}\n--- input ---\n{Shorten(text)}");
            }

            checkedCount++;
        }

        Assert.AreEqual(420, checkedCount);
    }

    private static string Mutate(string seed, Random random, int kind) => kind switch
    {
        // Truncated anywhere.
        0 => seed[..random.Next(seed.Length)],
        // A few characters replaced by syntax noise.
        1 => Replace(seed, random, random.Next(1, 6)),
        // A value of the wrong type: a scalar becomes a list or a mapping, or the reverse.
        2 => WrongType(seed, random),
        // Nesting far deeper than any format.
        3 => seed.Insert(random.Next(seed.Length), new string('[', 5000) + new string(']', 5000)),
        // A huge string where a value was.
        4 => seed.Insert(random.Next(seed.Length), new string('x', 300_000)),
        // Random bytes.
        _ => Encoding.Latin1.GetString(Enumerable.Range(0, random.Next(1, 400)).Select(_ => (byte)random.Next(256)).ToArray()),
    };

    private static string Replace(string seed, Random random, int count)
    {
        var chars = seed.ToCharArray();
        for (var n = 0; n < count && chars.Length > 0; n++)
        {
            chars[random.Next(chars.Length)] = Noise[random.Next(Noise.Length)];
        }

        return new string(chars);
    }

    private static string WrongType(string seed, Random random)
    {
        var swaps = new[] { ("[", "{"), ("]", "}"), (": ", ": [1, {a: b}] #"), ("\"", "{"), ("60", "sixty"), ("[dotnet", "{dotnet: ") };
        var (from, to) = swaps[random.Next(swaps.Length)];
        var index = seed.IndexOf(from, random.Next(Math.Max(1, seed.Length / 2)), StringComparison.Ordinal);
        return index < 0 ? seed + to : seed[..index] + to + seed[(index + from.Length)..];
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";
}
