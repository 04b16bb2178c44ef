using Orch.Core.Secrets;

namespace Orch.Core.Tests.Secrets;

[TestClass]
public sealed class SecretRedactorTests
{
    [TestMethod]
    [DataRow("OPENAI_API_KEY", true)]
    [DataRow("GITHUB_TOKEN", true)]
    [DataRow("AWS_SECRET_ACCESS_KEY", true)]
    [DataRow("DB_PASSWORD", true)]
    [DataRow("client_secret", true)]
    [DataRow("PATH", false)]
    [DataRow("OPENAI_BASE_URL", true)]
    [DataRow("ANTHROPIC_BASE_URL", true)]
    [DataRow("CODEX_HOME", true)]
    [DataRow("HOME", false)]
    [DataRow("KEYBOARD_LAYOUT", false)]
    [DataRow("ANTHROPIC_AUTH", true)]
    [DataRow("MY_SESSION", true)]
    [DataRow("SESSION_COOKIE", true)]
    [DataRow("GPG_PRIVATE", true)]
    public void IsSecretName_FollowsTheNamingConventions(string name, bool expected) =>
        Assert.AreEqual(expected, SecretRedactor.IsSecretName(name));

    [TestMethod]
    [DataRow("connect to postgres://orch:hunter2pw@db:5432/orch failed", "connect to postgres://orch:***@db:5432/orch failed")]
    [DataRow("proxy https://bot:x-9_Q@proxy.internal/ up", "proxy https://bot:***@proxy.internal/ up")]
    [DataRow("postgres://orch@db:5432/orch", "postgres://orch@db:5432/orch")]
    [DataRow("see https://example.com/a:b/c", "see https://example.com/a:b/c")]
    public void Redact_MasksThePasswordInsideAnAddress_AndLeavesAddressesWithoutOne(string text, string expected) =>
        Assert.AreEqual(expected, SecretRedactor.None.Redact(text));

    [TestMethod]
    public void Redact_ReplacesEveryOccurrenceLongestFirst()
    {
        var redactor = new SecretRedactor(["abcd1234", "abcd1234-extended"]);

        Assert.AreEqual("a=*** b=*** c=***", redactor.Redact("a=abcd1234 b=abcd1234-extended c=abcd1234"));
    }

    [TestMethod]
    public void Redact_IgnoresValuesTooShortToBeSecrets()
    {
        var redactor = new SecretRedactor(["", "1", "abc"]);

        Assert.IsTrue(redactor.IsEmpty);
        Assert.AreEqual("1 abc", redactor.Redact("1 abc"));
    }

    [TestMethod]
    [DataRow("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t here")]
    [DataRow("ghp_Q9x2LmT7wR4kZ8vN1bC6yH3jD5fS0aPqE2uI")]
    [DataRow("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123")]
    [DataRow("xoxb-1234567890-abcdefghij")]
    [DataRow("aws AKIAIOSFODNN7EXAMPLE")]
    [DataRow("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    [DataRow("token=Zr8Kq2Wx7Lm4Nv9Bc1Ty6Hs3Jd5Fg0PaQ8wE")]
    public void Redact_TokenShapes_AreMaskedWhateverTheirName(string text)
    {
        var redacted = SecretRedactor.None.Redact(text);

        StringAssert.Contains(redacted, SecretRedactor.Mask);
        Assert.IsFalse(redacted.Contains("EXAMPLE", StringComparison.Ordinal) && text.Contains("AKIA", StringComparison.Ordinal));
    }

    [TestMethod]
    [DataRow("commit 9fceb02d0ae598e95dc970b74767f19372d61af8 merged")]
    [DataRow("id 3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [DataRow("src/Orch.Core/Workflow/WorkstreamRunner.cs(120,5): error CS0103")]
    [DataRow("Run_WhenSameFindingsReturn_StopsWithOscillationAndSaysWhy")]
    [DataRow("/srv/build/src/Orch.Reliability.Tests/bin/Release/net10.0")]
    [DataRow("/srv/build/repo/.orch/worktrees/run-20261125-203924-e062e763/sum-helper/src/Lib/Calc.cs:7")]
    [DataRow("Shape_BootstrapTestAndAWorkstreamWithAPlantedBug2_AllWorkAsOnATidyRepository1")]
    [DataRow("job-20261125-203924-15ab8ce9 run-20261125-203924-e062e763")]
    public void Redact_HashesIdsPathsAndNames_AreLeftAlone(string text) =>
        Assert.AreEqual(text, SecretRedactor.None.Redact(text));
}
