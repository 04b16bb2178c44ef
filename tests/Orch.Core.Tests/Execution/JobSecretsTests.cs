using Orch.Core.Execution;
using Orch.Core.Jobs;

namespace Orch.Core.Tests.Execution;

[TestClass]
public sealed class JobSecretsTests
{
    [TestMethod]
    public void Redacted_TakesATokenOutOfTheCommand_TheCheckCommandAndThePrompt_AsStored()
    {
        const string token = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
        var check = $"curl -H 'Authorization: Bearer {token}' https://example.test/lint";
        var spec = new JobSpec
        {
            Name = "ws:static-1-1",
            Tool = "process",
            Command = [check],
            UseShell = true,
            CheckCommand = check,
            Prompt = $"use {token}",
            RepositoryRoot = "/repo",
            WorkingDirectory = "/repo",
        };

        var stored = JobSecrets.Redacted(spec);

        Assert.DoesNotContain(token, stored.Command[0]);
        Assert.DoesNotContain(token, stored.CheckCommand!, "the command as written is stored with the job, so it is redacted as the command is");
        Assert.DoesNotContain(token, stored.Prompt!);
        StringAssert.Contains(stored.CheckCommand, "https://example.test/lint");
    }
}
