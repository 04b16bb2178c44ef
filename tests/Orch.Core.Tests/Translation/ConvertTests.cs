using Orch.Abstractions.Adapters;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Schemas;
using Orch.Core.Settings;
using Orch.Core.Translation;
using Orch.Testing;

namespace Orch.Core.Tests.Translation;

[TestClass]
public sealed class ConvertTests
{
    private static string[] Waves(string path) =>
        WavePlanner.Plan(PlanLoader.Load(path).Workstreams).Select(w => string.Join(",", w.Workstreams.Select(x => x.Id))).ToArray();

    [TestMethod]
    public void Convert_LegacyBundlesWs01ToWs14_PlanToTheSameWavesAsTheOriginals()
    {
        using var original = new TempDirectory();
        using var converted = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(TestData.Path("legacy", "workstreams"), "ws-*.json").Where(f => !f.Contains("ws-abs", StringComparison.Ordinal)))
        {
            File.Copy(file, original.Combine(Path.GetFileName(file)));
            var result = Converter.ToV1(file);
            Assert.IsTrue(result.Succeeded, string.Join('\n', result.Diagnostics));
            var target = converted.Write(Path.ChangeExtension(Path.GetFileName(file), ".yaml"), result.Value!);
            var check = FileValidator.ValidateFile(target, converted.Path);
            Assert.AreEqual("workstream", check.Kind, target);
            Assert.IsTrue(check.Valid, string.Join('\n', check.Diagnostics));
        }

        var waves = Waves(converted.Path);
        Assert.HasCount(3, waves);
        CollectionAssert.AreEqual(Waves(original.Path), waves);
        var reloaded = PlanLoader.Load(converted.Path).Workstreams.Single(w => w.Id == "ws-09-refactor-spec-tools");
        var source = PlanLoader.Load(original.Path).Workstreams.Single(w => w.Id == "ws-09-refactor-spec-tools");
        CollectionAssert.AreEqual(source.FilesScope.ToArray(), reloaded.FilesScope.ToArray());
        CollectionAssert.AreEqual(source.Edit.Tasks.ToArray(), reloaded.Edit.Tasks.ToArray());
        CollectionAssert.AreEqual(source.Runtime!.Select(c => c.Command[0]).ToArray(), reloaded.Runtime!.Select(c => c.Command[0]).ToArray());
        Assert.AreEqual(source.Edit.Tool, reloaded.Edit.Tool);
    }

    [TestMethod]
    public void Convert_ListPerFileBundle_BecomesAPlanWithTheSameWaves()
    {
        using var converted = new TempDirectory();
        var source = TestData.Path("legacy", "workstreams", "example_multi.json");

        var result = Converter.ToV1(source);

        var target = converted.Write("plan.yaml", result.Value!);
        Assert.AreEqual("plan", FileValidator.ValidateFile(target, converted.Path).Kind);
        CollectionAssert.AreEqual(Waves(source), Waves(target));
    }

    [TestMethod]
    public void Convert_LegacyJob_LoadsAsAV1JobWithTheSameCommandEnvAndPolicy()
    {
        using var repo = new TempDirectory();
        var source = TestData.Path("legacy", "jobs", "aider_job.json");

        var result = Converter.ToV1(source);

        StringAssert.Contains(result.Value, "# paths.repo_root was 'C:/Users/richg/");
        StringAssert.Contains(result.Value, "# dropped: run_id");
        var loaded = new JobLoader(new RepositoryPaths(repo.Path)).Load(repo.Write("job.yaml", result.Value!));
        Assert.IsTrue(loaded.Succeeded, string.Join('\n', loaded.Diagnostics));
        var spec = loaded.Value!;
        CollectionAssert.AreEqual(new[] { "aider", "--message-file", "PHASE_DEV_DOCS/AIDER_INSTRUCTIONS_PH07.txt", "--yes-always", "--no-suggest-shell-commands" }, spec.Command.ToArray());
        Assert.AreEqual("http://127.0.0.1:11434", spec.Environment["OLLAMA_API_BASE"]);
        Assert.AreEqual(TimeSpan.FromSeconds(600), spec.Timeout);
        Assert.AreEqual(3, spec.Retry.MaxRetries);
        Assert.AreEqual(RetryPolicy.Escalate, spec.Retry.Policy);
        Assert.AreEqual("codex", spec.Retry.EscalateTo);
        Assert.AreEqual(repo.Path, spec.WorkingDirectory);
        Assert.AreEqual("ws-PH07-refactor-path-resolver", spec.WorkstreamId);
    }

    [TestMethod]
    public void Convert_UetTaskSpec_BecomesAWorkstream()
    {
        using var dir = new TempDirectory();
        var source = dir.Write("task.json", """
            {"task_id": "t-parse", "name": "Parse the config", "kind": "code_edit", "depends_on": ["t-read"],
             "execution": {"max_attempts": 4, "timeout_seconds": 300}, "classification": {"complexity": "low"}}
            """);

        var result = Converter.ToV1(source);

        var ws = PlanLoader.Load(dir.Write("ws.yaml", result.Value!)).Workstreams.Single();
        Assert.AreEqual("t-parse", ws.Id);
        Assert.AreEqual("Parse the config", ws.Title);
        CollectionAssert.AreEqual(new[] { "t-read" }, ws.DependsOn.ToArray());
        Assert.AreEqual(Capability.CodeGeneration, ws.Edit.Capability);
        Assert.AreEqual(4, ws.Loop.MaxAttempts);
        StringAssert.Contains(result.Value, "# dropped (no v1 field): classification");
    }

    [TestMethod]
    public void Convert_AV1File_SaysThereIsNothingToConvert()
    {
        using var dir = new TempDirectory();

        var result = Converter.ToV1(dir.Write("job.yaml", "id: j\ncommand: [true]\n"));

        Assert.IsNull(result.Value);
        StringAssert.Contains(result.Diagnostics.Single().Message, "already a v1 job");
    }

    [TestMethod]
    public void ImportConfig_LegacyConfigFolder_GivesSettingsThatLoad()
    {
        using var repo = new TempDirectory();
        var yaml = ConfigImporter.Import(TestData.Path("legacy", "config"));
        repo.Write(".orch/orch.yaml", yaml);

        var settings = ProjectSettings.Load(repo.Path);

        Assert.IsTrue(settings.Succeeded, string.Join('\n', settings.Diagnostics) + "\n" + yaml);
        var tools = settings.Value!.Tools;
        Assert.AreEqual(TimeSpan.FromSeconds(600), tools.For("pytest").Timeout);
        CollectionAssert.AreEqual(new[] { 0, 5 }, tools.For("pytest").SuccessExitCodes.ToArray());
        Assert.AreEqual("gpt-4", tools.For("aider").Model);
        Assert.AreEqual(TimeSpan.FromSeconds(300), tools.For("aider").Timeout);
        CollectionAssert.AreEqual(new[] { "aider" }, settings.Value.Escalation.Chain.ToArray(), "codex and claude are disabled in agent_profiles.json");
        Assert.AreEqual(2, settings.Value.Escalation.FixAttemptsPerTool);
        Assert.IsTrue(FileValidator.ValidateFile(repo.Combine(".orch", "orch.yaml"), repo.Path).Valid);
        StringAssert.Contains(yaml, "# decomposition_rules.yaml: not imported");
    }
}
