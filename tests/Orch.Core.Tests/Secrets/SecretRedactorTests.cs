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
    public void IsSecretName_FollowsTheNamingConventions(string name, bool expected) =>
        Assert.AreEqual(expected, SecretRedactor.IsSecretName(name));

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
}
