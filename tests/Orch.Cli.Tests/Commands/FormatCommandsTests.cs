using System.Text.Json;
using Orch.Cli.Tests.Support;
using Orch.Testing;

namespace Orch.Cli.Tests.Commands;

[TestClass]
public sealed class FormatCommandsTests
{
    [TestMethod]
    public async Task Validate_LegacyFolder_ReportsEveryProblemAndExitsTwo()
    {
        using var repo = new TempDirectory();

        var (exit, output, _) = await OrchRunner.InProcessAsync("validate", TestData.Path("legacy"), "--repo", repo.Path, "--format", "json");

        Assert.AreEqual(2, exit);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.IsFalse(report.GetProperty("valid").GetBoolean());
        var errors = report.GetProperty("diagnostics").EnumerateArray().Where(d => d.GetProperty("severity").GetString() == "error").ToList();
        Assert.HasCount(9, errors, "two Windows paths in each of the four jobs, and the broken template");
        Assert.IsTrue(report.GetProperty("files").EnumerateArray().Any(f => f.GetProperty("kind").GetString() == "legacy-bundle" && f.GetProperty("valid").GetBoolean()));
    }

    [TestMethod]
    public async Task Validate_ValidV1Files_ExitsZero()
    {
        using var repo = new TempDirectory();
        repo.Write("plans/a.yaml", "id: a\nedit: {tool: script, command: [sh, a.sh]}\n");
        repo.Write("plans/job.yaml", "id: j\ncommand: [dotnet, test]\n");

        var (exit, output, err) = await OrchRunner.InProcessAsync("validate", repo.Combine("plans"), "--repo", repo.Path);

        Assert.AreEqual(0, exit, err);
        StringAssert.Contains(output, "2 file(s): 2 valid, 0 with errors");
    }

    [TestMethod]
    public async Task Convert_WritesReviewableYamlToTheOutputFile()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("ws-01.yaml");

        var (exit, _, err) = await OrchRunner.InProcessAsync("convert", TestData.Path("legacy", "workstreams", "ws-01-hardcoded-path-index.json"), "--to", "v1", "-o", target);

        Assert.AreEqual(0, exit, err);
        StringAssert.StartsWith(File.ReadAllText(target), "# Converted from ws-01-hardcoded-path-index.json (legacy workstream bundle)");
    }

    [TestMethod]
    public async Task Convert_BrokenTemplate_ExitsTwoWithItsPosition()
    {
        var (exit, _, err) = await OrchRunner.InProcessAsync("convert", TestData.Path("legacy", "workstreams", "ws-abs-001-tool-adapter.json"), "--to", "v1");

        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "ws-abs-001-tool-adapter.json:5:21: error ORCH1002");
    }

    [TestMethod]
    public async Task ImportConfig_WritesSettingsOnceAndRefusesToOverwriteEditsWithoutForce()
    {
        using var repo = new TempDirectory();
        var config = TestData.Path("legacy", "config");

        var first = await OrchRunner.InProcessAsync("import-config", config, "--repo", repo.Path);
        File.AppendAllText(repo.Combine(".orch", "orch.yaml"), "# my edit\n");
        var second = await OrchRunner.InProcessAsync("import-config", config, "--repo", repo.Path);
        var forced = await OrchRunner.InProcessAsync("import-config", config, "--repo", repo.Path, "--force");

        Assert.AreEqual(0, first.Exit, first.Err);
        Assert.AreEqual(2, second.Exit);
        StringAssert.Contains(second.Err, "exists and differs");
        Assert.AreEqual(0, forced.Exit, forced.Err);
        Assert.DoesNotContain("# my edit", File.ReadAllText(repo.Combine(".orch", "orch.yaml")));
    }
}
