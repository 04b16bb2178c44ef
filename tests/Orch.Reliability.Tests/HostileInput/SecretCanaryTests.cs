using System.Text;
using Orch.Testing;

namespace Orch.Reliability.Tests.HostileInput;

/// <summary>Secret values, recognized by name, by origin or by shape, never reach the console, logs, reports or the database.</summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class SecretCanaryTests
{
    private static readonly string[] Canaries =
    [
        "canary-auth-4f8e1d",              // ANTHROPIC_AUTH: a secret by name
        "canary-session-93ab7c",           // MY_SESSION: a secret by name
        "canary-from-env-5d21e0",          // ${CANARY_SOURCE}: taken from the user's environment
        "ghp_Q9x2LmT7wR4kZ8vN1bC6yH3jD5fS0aPqE2uI", // a GitHub token's shape, given literally
        "sk-ant-api03-Zr8Kq2Wx7Lm4Nv9Bc1Ty6Hs3Jd5Fg0Pa", // an Anthropic key's shape, in the command itself
    ];

    [TestMethod]
    public async Task Job_WithSecretsOfEveryKind_NoValueIsWrittenAnywhere()
    {
        using var repo = new TempDirectory();
        repo.Write("job.yaml", $$"""
            id: leaky
            command: "echo auth=$ANTHROPIC_AUTH session=$MY_SESSION from=$FROM_ENV gh=$GH {{Canaries[4]}}; echo \"error: $MY_SESSION failed\" >&2; exit 3"
            env:
              ANTHROPIC_AUTH: {{Canaries[0]}}
              MY_SESSION: {{Canaries[1]}}
              FROM_ENV: ${CANARY_SOURCE}
              GH: {{Canaries[3]}}
            """);

        var (exit, output, error) = await OrchProcess.RunAsync(repo.Path, repo.Combine(".orch", "state.db"),
            new Dictionary<string, string> { ["CANARY_SOURCE"] = Canaries[2] }, "job", "run", "job.yaml", "-v", "diag");

        Assert.AreEqual(1, exit, output + error);
        StringAssert.Contains(output, "auth=*** session=*** from=*** gh=***", "the values were there, masked");
        foreach (var file in Directory.EnumerateFiles(repo.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("job.yaml", StringComparison.Ordinal)))
        {
            var bytes = Encoding.Latin1.GetString(File.ReadAllBytes(file));
            foreach (var canary in Canaries)
            {
                Assert.IsFalse(bytes.Contains(canary, StringComparison.Ordinal), $"{canary} leaked into {file}");
            }
        }

        foreach (var canary in Canaries)
        {
            Assert.IsFalse((output + error).Contains(canary, StringComparison.Ordinal), $"{canary} leaked to the console");
        }
    }
}
