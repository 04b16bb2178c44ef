using Orch.Core.Diagnostics;
using Orch.Core.Jobs;
using Orch.Testing;

namespace Orch.Core.Tests.Jobs;

[TestClass]
public sealed class JobLoaderTests
{
    private static string[] Errors(LoadResult<JobSpec> result) =>
        result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).ToArray();

    [TestMethod]
    [DataRow("aider_job.json", 21, 22)]
    [DataRow("codex_job.json", 18, 19)]
    [DataRow("git_job.json", 17, 18)]
    [DataRow("tests_job.json", 19, 20)]
    public void Load_LegacyExampleJob_IsRefusedForItsWindowsPathsWithPositions(string file, int repoRootLine, int workingDirLine)
    {
        using var repo = new TempDirectory();
        var path = TestData.LegacyJob(file);

        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(path);

        Assert.IsNull(result.Value, "a job with Windows paths must not load");
        var errors = Errors(result);
        Assert.HasCount(2, errors, string.Join('\n', errors));
        StringAssert.StartsWith(errors[0], $"{path}:{repoRootLine}:18: error ORCH1009: paths.repo_root is the Windows path 'C:/Users/richg/");
        StringAssert.StartsWith(errors[1], $"{path}:{workingDirLine}:20: error ORCH1009: paths.working_dir is the Windows path 'C:/Users/richg/");
    }

    [TestMethod]
    public void Load_LegacyJobWithPortablePaths_MapsEveryField()
    {
        using var repo = new TempDirectory();
        var text = File.ReadAllText(TestData.LegacyJob("aider_job.json"))
            .Replace("C:/Users/richg/ALL_AI/Complete AI Development Pipeline – Canonical Phase Plan", ".", StringComparison.Ordinal);
        var path = repo.Write("aider_job.json", text);

        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(path);

        Assert.IsTrue(result.Succeeded, string.Join('\n', result.Diagnostics));
        var spec = result.Value!;
        Assert.AreEqual("job-2025-11-20-001", spec.Name);
        Assert.AreEqual("aider", spec.Tool);
        CollectionAssert.AreEqual(new[] { "aider", "--message-file", "PHASE_DEV_DOCS/AIDER_INSTRUCTIONS_PH07.txt", "--yes-always", "--no-suggest-shell-commands" }, spec.Command.ToArray());
        Assert.AreEqual(repo.Path, spec.WorkingDirectory);
        Assert.AreEqual(repo.Combine("logs", "ws-PH07-refactor-path-resolver", "job-2025-11-20-001.log"), spec.LogFile);
        Assert.AreEqual(TimeSpan.FromSeconds(600), spec.Timeout);
        Assert.AreEqual(3, spec.Retry.MaxRetries);
        Assert.AreEqual(RetryPolicy.Escalate, spec.Retry.Policy);
        Assert.AreEqual("codex", spec.Retry.EscalateTo);
        Assert.AreEqual("ws-PH07-refactor-path-resolver", spec.WorkstreamId);
        CollectionAssert.AreEqual(new[] { "core/planning/planner.py", "core/planning/archive.py" }, spec.FilesScope.ToArray());
        Assert.AreEqual("true", spec.Environment["GIT_EDITOR"]);
    }

    [TestMethod]
    public void Load_LegacyRetryPolicyNoneWithMaxRetries_WarnsAndDoesNotRetry()
    {
        using var repo = new TempDirectory();
        var text = File.ReadAllText(TestData.LegacyJob("codex_job.json"))
            .Replace("C:/Users/richg/ALL_AI/Complete AI Development Pipeline – Canonical Phase Plan", ".", StringComparison.Ordinal);

        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(repo.Write("codex.json", text));

        Assert.IsTrue(result.Succeeded, string.Join('\n', result.Diagnostics));
        Assert.AreEqual(0, result.Value!.Retry.MaxRetries);
        Assert.IsTrue(result.Diagnostics.Any(d => d.Message.Contains("retry_policy is 'none'", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Load_UnrenderedPlaceholder_NamesTheFieldAndPosition()
    {
        using var repo = new TempDirectory();
        var text = File.ReadAllText(TestData.LegacyJob("git_job.json"))
            .Replace("\"working_dir\": \"C:/Users/richg/ALL_AI/Complete AI Development Pipeline – Canonical Phase Plan\"",
                "\"working_dir\": \"{{ paths.resolve('repo_root') }}\"", StringComparison.Ordinal)
            .Replace("C:/Users/richg/ALL_AI/Complete AI Development Pipeline – Canonical Phase Plan", ".", StringComparison.Ordinal);
        var path = repo.Write("git.json", text);

        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(path);

        var errors = Errors(result);
        Assert.HasCount(1, errors, string.Join('\n', errors));
        Assert.AreEqual($"{path}:18:20: error ORCH1008: paths.working_dir holds the unrendered template placeholder '{{{{ paths.resolve('repo_root') }}}}'", errors[0]);
    }

    [TestMethod]
    [DataRow("working_dir: ../..", "working_dir '../..' resolves outside the repository root")]
    [DataRow("log_file: /etc/orch.log", "log_file '/etc/orch.log' resolves outside the repository root")]
    [DataRow("error_report: ../report.json", "error_report '../report.json' resolves outside the repository root")]
    public void Load_PathEscapingTheRepository_IsRefused(string line, string expected)
    {
        using var repo = new TempDirectory();
        var path = repo.Write("job.yaml", $"id: escape\ncommand: [true]\n{line}\n");

        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(path);

        Assert.IsNull(result.Value);
        var error = result.Diagnostics.Single(d => d.IsError);
        Assert.AreEqual("ORCH1010", error.Code);
        Assert.AreEqual(3, error.Line);
        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    public void Load_V1Yaml_ReadsEveryField()
    {
        using var repo = new TempDirectory();
        Directory.CreateDirectory(repo.Combine("src"));
        var path = repo.Write("job.yaml", """
            version: 1
            kind: job
            id: build
            tool: dotnet
            command: [dotnet, build, --nologo]
            env:
              DOTNET_CLI_TELEMETRY_OPTOUT: "1"
              OPENAI_API_KEY: ${OPENAI_API_KEY}
            working_dir: src
            log_file: .orch/logs/build.log
            timeout_seconds: 120
            success_exit_codes: [0, 5]
            retry:
              max_retries: 2
              base_delay_seconds: 0.5
              jitter: false
            files_scope: [src/a.cs]
            """);

        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(path);

        Assert.IsTrue(result.Succeeded, string.Join('\n', result.Diagnostics));
        var spec = result.Value!;
        Assert.AreEqual("build", spec.Name);
        Assert.AreEqual("dotnet", spec.Tool);
        Assert.AreEqual(repo.Combine("src"), spec.WorkingDirectory);
        Assert.AreEqual(TimeSpan.FromSeconds(120), spec.Timeout);
        Assert.AreEqual(2, spec.Retry.MaxRetries);
        Assert.AreEqual(TimeSpan.FromMilliseconds(500), spec.Retry.BaseDelay);
        Assert.IsFalse(spec.Retry.UseJitter);
        CollectionAssert.AreEqual(new[] { 0, 5 }, spec.SuccessExitCodes.ToArray());
        Assert.AreEqual("${OPENAI_API_KEY}", spec.Environment["OPENAI_API_KEY"]);
        Assert.IsFalse(spec.UseShell);
    }

    [TestMethod]
    public void Load_StringCommand_RunsThroughTheShell()
    {
        using var repo = new TempDirectory();
        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(repo.Write("job.yaml", "id: s\ncommand: echo hi && echo there\n"));

        Assert.IsTrue(result.Succeeded);
        Assert.IsTrue(result.Value!.UseShell);
        CollectionAssert.AreEqual(new[] { "echo hi && echo there" }, result.Value.Command.ToArray());
    }

    [TestMethod]
    public void Load_SeveralProblems_ReportsAllOfThemWithSuggestions()
    {
        using var repo = new TempDirectory();
        var path = repo.Write("job.yaml", "id: bad\ncomand: [true]\ntimeout_seconds: abc\nretry:\n  max_retries: -1\n  policy: escalate_to_codx\n");

        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(path);

        var errors = Errors(result);
        CollectionAssert.AreEquivalent(new[]
        {
            $"{path}:1:1: error ORCH1006: missing required field 'command' (an argv list such as [dotnet, test], or a string run through the shell; AI tools take a prompt instead)",
            $"{path}:2:1: error ORCH1004: unknown field 'comand'; did you mean 'command'?",
            $"{path}:3:18: error ORCH1005: timeout_seconds must be a whole number, not 'abc'",
            $"{path}:5:16: error ORCH1007: retry.max_retries is -1; expected a whole number of at least 0",
            $"{path}:6:11: error ORCH1007: retry.policy 'escalate_to_codx' is not a retry policy; did you mean 'escalate_to_codex'?",
        }, errors, string.Join('\n', errors));
    }

    [TestMethod]
    public void Load_BrokenJson_ReportsLineAndColumn()
    {
        using var repo = new TempDirectory();
        var path = repo.Write("job.json", "{\n  \"id\": \"x\",\n  \"command\": [\"true\"\n}\n");

        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(path);

        var error = result.Diagnostics.Single();
        Assert.AreEqual("ORCH1002", error.Code);
        Assert.AreEqual(4, error.Line);
        Assert.AreEqual(1, error.Column);
        StringAssert.StartsWith(error.Message, "not valid JSON");
    }

    [TestMethod]
    [DataRow("id: a\ncommand: [\"true\"]\n\tbad: 1\n", 3, 1)]
    [DataRow("id: a\r\ncommand: [\"true\"]\r\nenv:\r\n  A: 1\r\n \tB: 2\r\n", 5, 2)]
    [DataRow("id: a\ndescription: |\n  \tkept: a tab in a literal block is text\ncommand: [\"true\"]\nenv:\n  A: 1\n\tB: 2\n", 7, 1)]
    [DataRow("id: a\ndescription: |-\n  \tkept: a tab in a literal block is text\nenv:\n\tA: 1\n", 5, 1)]
    public void Load_YamlWithATabInItsIndentation_PointsAtTheTab(string content, int line, int column)
    {
        using var repo = new TempDirectory();
        var path = repo.Write("job.yaml", content);

        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(path);

        var error = result.Diagnostics.Single();
        Assert.AreEqual("ORCH1002", error.Code);
        StringAssert.Contains(error.Message, "tab");
        Assert.AreEqual((line, column), (error.Line, error.Column), error.ToString());
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("[1, 2]")]
    [DataRow("just text")]
    public void Load_NotAMapping_IsRefusedWithACode(string content)
    {
        using var repo = new TempDirectory();
        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(repo.Write("job.yaml", content));

        Assert.IsNull(result.Value);
        Assert.IsTrue(result.Diagnostics.Single().Code is "ORCH1003" or "ORCH1012", result.Diagnostics.Single().ToString());
    }

    [TestMethod]
    public void Load_MissingFile_IsRefusedWithoutThrowing()
    {
        using var repo = new TempDirectory();
        var result = new JobLoader(new RepositoryPaths(repo.Path)).Load(repo.Combine("nope.yaml"));

        Assert.AreEqual("ORCH1001", result.Diagnostics.Single().Code);
    }

    [TestMethod]
    public void Load_UetExecutionRequest_LoadsAsTheJobConvertWrites()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("request.json", """
            {"request_id": "req-1", "task_kind": "code_edit", "prompt_spec": {"instruction": "Rename Foo to Bar"},
             "routing": {"allowed_tools": ["codex", "claude"], "timeout_seconds": 120}}
            """);

        var loaded = new JobLoader(new RepositoryPaths(dir.Path)).Load(file);

        Assert.IsTrue(loaded.Succeeded, string.Join('\n', loaded.Diagnostics));
        Assert.AreEqual("req-1", loaded.Value!.Name);
        Assert.AreEqual("codex", loaded.Value.Tool, "the first allowed tool runs it");
        Assert.AreEqual("Rename Foo to Bar", loaded.Value.Prompt);
        Assert.AreEqual(TimeSpan.FromSeconds(120), loaded.Value.Timeout);
    }
}
